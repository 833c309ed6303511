#include <stdio.h>

int main(void) {
    puts("Hello Docker");
    return 0;
}
