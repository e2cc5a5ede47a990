/*
 * Clock event device: the hardware that raises the periodic tick. Exactly
 * one is linked (the Kconfig timer choice: timer_pit.c or timer_lapic.c)
 * and defines clockevent_device; time.c drives it and counts the ticks.
 */
#ifndef TESSERA_CLOCKEVENT_H
#define TESSERA_CLOCKEVENT_H

#include <tessera/types.h>

struct clockevent {
	const char *name;               /* for the boot log: "pit", "lapic" */
	/*
	 * Claims the device's interrupt and starts ticks at CONFIG_HZ; each
	 * one calls clockevent_tick(). Needs irq_chip_init(). 0 or -errno.
	 */
	int (*init)(void);
	/* Restarts periodic ticks at CONFIG_HZ after stop(). IRQs off. */
	void (*set_periodic)(void);
	/* No more ticks until set_periodic(). IRQs off. */
	void (*stop)(void);
};

extern const struct clockevent clockevent_device;

/* Called by the device's interrupt handler, once per tick (time.c). */
void clockevent_tick(void);

#endif
