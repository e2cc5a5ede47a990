/* Path limits, as Linux's include/uapi/linux/limits.h. Shared with usr/. */
#ifndef UAPI_LIMITS_H
#define UAPI_LIMITS_H

#define NAME_MAX 255            /* bytes in a file name, without the NUL */
#define PATH_MAX 4096           /* bytes in a path, with the NUL */

#endif
