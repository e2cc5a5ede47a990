/*
 * poll/select readiness: the event bits (Linux's values) and the table a
 * file's poll callback adds its wait queues to (kernel/syscalls/poll.c).
 */
#ifndef TESSERA_POLL_H
#define TESSERA_POLL_H

#include <tessera/wait.h>

#define POLLIN      0x001        /* data to read (or EOF) */
#define POLLPRI     0x002
#define POLLOUT     0x004        /* a write would not block */
#define POLLERR     0x008        /* a write would fail (a pipe with no reader) */
#define POLLHUP     0x010        /* the other end is gone (a pipe with no writer) */
#define POLLNVAL    0x020        /* not an open fd */
#define POLLRDNORM  0x040
#define POLLWRNORM  0x100

struct poll_table;

/*
 * Called by a file's poll callback for each queue its readiness changes are
 * announced on: the poller sleeps on all of them. pt NULL: only asking.
 */
void poll_wait(struct poll_table *pt, struct wait_queue *wq);

#endif
