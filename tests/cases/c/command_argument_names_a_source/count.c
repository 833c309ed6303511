#include <stdio.h>

/* Counts the lines of the file named on the command line. */
int main(int argc, char **argv) {
    FILE *f = argc > 1 ? fopen(argv[1], "r") : NULL;
    int c, lines = 0;
    if (!f) {
        perror("input");
        return 1;
    }
    while ((c = fgetc(f)) != EOF)
        lines += c == '\n';
    printf("%d lines\n", lines);
    return 0;
}
