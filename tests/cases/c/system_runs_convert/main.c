#include <stdlib.h>
int main(void) { return system("convert -version"); }
