#include <dlfcn.h>
#include <stdio.h>
int main(void) { void *h = dlopen("libcurl.so.4", RTLD_NOW); puts(h ? "loaded" : "missing"); return 0; }
