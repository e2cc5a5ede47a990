/*
 * Sleeping for a while (kernel/sync/delay.c). The timer tick wakes sleepers,
 * so a sleep lasts at least the time asked and at most one tick more
 * (CONFIG_HZ). Waits shorter than a tick busy-wait on the TSC instead.
 */
#ifndef TESSERA_DELAY_H
#define TESSERA_DELAY_H

#include <tessera/types.h>

/* Sleeps at least ms milliseconds. May sleep. */
void msleep(unsigned int ms);
/* Waits at least us microseconds: sleeps when that is a tick or more, else spins. */
void usleep(unsigned long us);
/* Spins (interrupts stay as they are) for at least ns nanoseconds. */
void ndelay_spin(u64 ns);

#endif
