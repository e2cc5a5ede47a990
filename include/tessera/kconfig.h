/*
 * Included first in every kernel C file (-include). Pulls in the generated
 * configuration and gives IS_ENABLED(), which is 0 for options that are off,
 * so code can test an option in a plain `if` and let the compiler drop it.
 */
#ifndef TESSERA_KCONFIG_H
#define TESSERA_KCONFIG_H

#include <generated/autoconf.h>

/*
 * A defined option expands to 1, so KCONFIG_PROBE_1 pastes to "0," and shifts
 * a 1 into the second slot; an undefined option leaves junk in the first slot
 * and the 0 stays second. -Wundef stays quiet because nothing is #if-tested.
 */
#define KCONFIG_PROBE_1 0,
#define KCONFIG_SECOND(ignored, val, ...) val
#define KCONFIG_TEST(arg_or_junk) KCONFIG_SECOND(arg_or_junk 1, 0, 0)
#define KCONFIG_PASTE(val) KCONFIG_TEST(KCONFIG_PROBE_##val)
#define IS_ENABLED(option) KCONFIG_PASTE(option)

#endif
