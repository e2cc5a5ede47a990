/*
 * Counting semaphores: down() takes one unit, sleeping while there is none;
 * up() gives one back and wakes a sleeper. No owner, so up() is allowed from
 * interrupt handlers and from a thread other than the one that called down().
 */
#ifndef TESSERA_SEMAPHORE_H
#define TESSERA_SEMAPHORE_H

#include <tessera/wait.h>

struct semaphore {
	long count;
	struct wait_queue wq;
};

#define SEMAPHORE_INIT(name, n) { .count = (n), .wq = WAIT_QUEUE_INIT(name.wq) }
#define DEFINE_SEMAPHORE(name, n) struct semaphore name = SEMAPHORE_INIT(name, n)

void sema_init(struct semaphore *s, long count);
/* Takes one unit, sleeping until one is available. May sleep. */
void down(struct semaphore *s);
/* Takes one unit if available now; returns whether it did. */
bool down_trylock(struct semaphore *s);
/* Returns one unit and wakes one sleeper. Safe in IRQs. */
void up(struct semaphore *s);

#endif
