/*
 * The 8253/8254 programmable interval timer (Intel 82C54 datasheet): a
 * 1.193182 MHz clock, channel 0 wired to legacy IRQ 0, channel 2 gated
 * through port 0x61 so it can time a delay with no interrupt at all.
 */
#ifndef ASM_I8253_H
#define ASM_I8253_H

#include <asm/io.h>

#define PIT_HZ              1193182UL
#define PIT_CH0_DATA        0x40
#define PIT_CH2_DATA        0x42
#define PIT_COMMAND         0x43
#define PIT_GATE_PORT       0x61
#define PIT_GATE_CH2        0x01
#define PIT_SPEAKER         0x02
#define PIT_CH2_OUT         0x20

/* Control word fields (datasheet "Control Word Format"). */
#define PIT_SEL_CH0         0x00
#define PIT_SEL_CH2         0x80
#define PIT_ACCESS_LOHI     0x30
#define PIT_MODE0_ONESHOT   0x00    /* interrupt on terminal count */
#define PIT_MODE2_RATE      0x04    /* rate generator: one pulse per period */

#define PIT_MAX_COUNT       0xffff

/* Starts channel 2 counting count ticks down from now, speaker off. */
static inline void pit_ch2_start(u16 count)
{
	u8 gate = inb(PIT_GATE_PORT);

	/* Mode 0: OUT drops at the control word, counting starts at the count. */
	outb(PIT_GATE_PORT, (u8)((gate & ~PIT_SPEAKER) | PIT_GATE_CH2));
	outb(PIT_COMMAND, PIT_SEL_CH2 | PIT_ACCESS_LOHI | PIT_MODE0_ONESHOT);
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);
}

/* True once channel 2 reached zero. */
static inline bool pit_ch2_done(void)
{
	return inb(PIT_GATE_PORT) & PIT_CH2_OUT;
}

#endif
