/*
 * Kernel log: printk() stores every message in a ring buffer (read later by
 * dmesg) and writes those at or above the console log level to every console.
 * A message may start with a KERN_* level; without one it is KERN_INFO.
 */
#ifndef TESSERA_PRINTK_H
#define TESSERA_PRINTK_H

#include <stdarg.h>
#include <stddef.h>
#include <tessera/compiler.h>

#define KERN_SOH        "\001"
#define KERN_EMERG      KERN_SOH "0"
#define KERN_ALERT      KERN_SOH "1"
#define KERN_CRIT       KERN_SOH "2"
#define KERN_ERR        KERN_SOH "3"
#define KERN_WARNING    KERN_SOH "4"
#define KERN_NOTICE     KERN_SOH "5"
#define KERN_INFO       KERN_SOH "6"
#define KERN_DEBUG      KERN_SOH "7"
#define KERN_CONT       KERN_SOH "c"

#define LOGLEVEL_EMERG   0
#define LOGLEVEL_ERR     3
#define LOGLEVEL_WARNING 4
#define LOGLEVEL_NOTICE  5
#define LOGLEVEL_INFO    6
#define LOGLEVEL_DEBUG   7

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

#define pr_emerg(...)   printk(KERN_EMERG __VA_ARGS__)
#define pr_err(...)     printk(KERN_ERR __VA_ARGS__)
#define pr_warn(...)    printk(KERN_WARNING __VA_ARGS__)
#define pr_notice(...)  printk(KERN_NOTICE __VA_ARGS__)
#define pr_info(...)    printk(KERN_INFO __VA_ARGS__)
#define pr_debug(...)   printk(KERN_DEBUG __VA_ARGS__)

/* Messages below this level (numerically greater) skip the consoles. */
extern int console_loglevel;

/* Prints the banner: the first line on every console. */
void printk_banner(void);

/* Copies up to len bytes of the log, oldest first; returns bytes copied. */
size_t printk_read_log(char *buf, size_t len);

/* Called once the TSC is calibrated so later lines carry timestamps. */
void printk_set_clock(unsigned long long (*now_ns)(void));

#endif
