/*
 * The 8253/8254 programmable interval timer (Intel 82C54 datasheet): a
 * 1.193182 MHz clock; channel 0 is wired to legacy IRQ 0, channel 2 is
 * gated through port 0x61 and free for measuring other clocks.
 */
#ifndef ASM_I8253_H
#define ASM_I8253_H

#include <asm/io.h>

#define PIT_HZ              1193182UL
#define PIT_CH0_DATA        0x40
#define PIT_CH2_DATA        0x42
#define PIT_COMMAND         0x43
/* Port 0x61 (PC/AT system control port B): channel 2's gate and the speaker. */
#define PIT_GATE_PORT       0x61
#define PIT_GATE_CH2        0x01
#define PIT_SPEAKER         0x02

/* Control word fields (datasheet "Control Word Format"). */
#define PIT_SEL_CH0         0x00
#define PIT_SEL_CH2         0x80
#define PIT_LATCH           0x00    /* access bits 00: latch the count for reading */
#define PIT_ACCESS_LOHI     0x30
#define PIT_MODE0_ONESHOT   0x00    /* interrupt on terminal count */
#define PIT_MODE2_RATE      0x04    /* rate generator: one pulse per period */

#define PIT_MAX_COUNT       0xffff

/* Channel 2 counting down from 65536 forever (mode 2), gated on, speaker off. */
static inline void pit_ch2_free_run(void)
{
	outb(PIT_GATE_PORT, (u8)((inb(PIT_GATE_PORT) & ~PIT_SPEAKER) | PIT_GATE_CH2));
	outb(PIT_COMMAND, PIT_SEL_CH2 | PIT_ACCESS_LOHI | PIT_MODE2_RATE);
	outb(PIT_CH2_DATA, 0);
	outb(PIT_CH2_DATA, 0);
}

/* Channel 2's current count, latched so the two bytes belong together. */
static inline u16 pit_ch2_read(void)
{
	u8 lo, hi;

	outb(PIT_COMMAND, PIT_SEL_CH2 | PIT_LATCH);
	lo = inb(PIT_CH2_DATA);
	hi = inb(PIT_CH2_DATA);
	return (u16)(lo | hi << 8);
}

#endif
