/*
 * A freestanding program for test_elf: built static (ET_EXEC) and
 * static-pie (ET_DYN) with -nostdlib, so the test has real linker output
 * with text, read-only data, data and bss segments. _start exits 0.
 */
static int data_word = 1;
static const char message[] = "tessera elf sample";
int bss_area[1024];

void _start(void)
{
	bss_area[3] = data_word + message[0];
	__asm__ __volatile__("mov $60, %%eax; xor %%edi, %%edi; syscall" ::: "rax", "rdi", "memory");
	for (;;)
		;
}
