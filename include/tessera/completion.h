/*
 * Completions: "wait until this has happened once". complete() lets one
 * waiter through (or banks one pass if none waits yet), complete_all() lets
 * every present and future waiter through.
 */
#ifndef TESSERA_COMPLETION_H
#define TESSERA_COMPLETION_H

#include <tessera/wait.h>

#define COMPLETION_ALL (~0UL)        /* done after complete_all(): never runs out */

struct completion {
	unsigned long done;          /* passes banked */
	struct wait_queue wq;
};

#define COMPLETION_INIT(name) { .done = 0, .wq = WAIT_QUEUE_INIT(name.wq) }
#define DEFINE_COMPLETION(name) struct completion name = COMPLETION_INIT(name)

void init_completion(struct completion *c);
/* Sleeps until a pass is available, and takes it. May sleep. */
void wait_for_completion(struct completion *c);
/* Takes a pass if one is available now; returns whether it did. */
bool try_wait_for_completion(struct completion *c);
/* Banks one pass and wakes one waiter. Safe in IRQs. */
void complete(struct completion *c);
/* Opens the gate for every waiter, now and later. Safe in IRQs. */
void complete_all(struct completion *c);
/* Closes the gate again, for reuse. No thread may be waiting. */
void reinit_completion(struct completion *c);

#endif
