/*
 * How disk drivers wait for their device (drivers/block/blk_wait.c): asleep
 * on a completion their interrupt handler signals, or polling when there
 * is no interrupt. Either way with a deadline that turns into -EIO.
 */
#ifndef BLOCK_BLK_WAIT_H
#define BLOCK_BLK_WAIT_H

#include <tessera/completion.h>
#include <tessera/types.h>

struct blk_wait_stats {
	u64 interrupts;         /* handler calls that were for a disk */
	u64 immediate;          /* waits over at once: the device had finished */
	u64 irq_waits;          /* waits that slept for an interrupt */
	u64 poll_waits;         /* waits that spun on the device */
	u64 timeouts;           /* waits whose deadline passed: -EIO */
	u64 sleeps;             /* times a sleeping wait went to sleep */
	u64 slices_out;         /* sleeps that ran to the end of their slice */
	unsigned int irq_disks; /* disks (or channels) with an interrupt */
};

/*
 * Waits until done(ctx) is true. With irq (the driver has an interrupt that
 * calls complete(c)) the caller sleeps between interrupts; without it, or
 * before the scheduler runs, with interrupts off or under blk_poll=1, it
 * spins. done() is the truth and c only a wake-up hint, so a stale
 * complete() is harmless. Returns 0, or -EIO once timeout_ns have passed.
 * May sleep.
 */
int blk_wait(struct completion *c, bool irq, bool (*done)(void *ctx), void *ctx,
	     u64 timeout_ns);

/* From a driver's interrupt handler: counts the interrupt and signals c. */
void blk_wait_irq(struct completion *c);
/* A driver got an interrupt for a disk (or an ATA channel): counted for the tests. */
void blk_wait_irq_disk(void);

/* Forces polling (the bench compares the two); blk_poll=1 sets it at boot. */
void blk_wait_set_polling(bool on);
bool blk_wait_polling(void);

/*
 * For KTESTs: the next wait that is not over at once gets this timeout
 * instead of the driver's (0: none).
 */
void blk_wait_test_timeout(u64 ns);

void blk_wait_get_stats(struct blk_wait_stats *st);

#endif
