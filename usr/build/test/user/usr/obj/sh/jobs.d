build/test/user/usr/obj/sh/jobs.o: /work/main/usr/sh/jobs.c \
 /work/main/usr/sh/sh.h
/work/main/usr/sh/sh.h:
