/* Kernel-side errno: the user ABI values, returned negated (-EINVAL). */
#ifndef TESSERA_ERRNO_H
#define TESSERA_ERRNO_H

#include <uapi/errno.h>

#endif
