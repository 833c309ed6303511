#include <curl/curl.h>
#include <stdio.h>
int main(void) { puts(curl_version()); return 0; }
