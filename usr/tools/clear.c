/*
 * clear: homes the cursor and erases the screen with ANSI escapes, which
 * Tessera's consoles and every terminal emulator understand.
 */
#include "ulib.h"

#define ANSI_HOME_AND_ERASE "\033[H\033[2J"

int main(void)
{
	return u_puts(1, ANSI_HOME_AND_ERASE) ? 1 : 0;
}
