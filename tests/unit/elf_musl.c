/* A static musl program for test_elf: libc start-up code, TLS, stdio. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("%d %s\n", argc, argv[0]);
	return 0;
}
