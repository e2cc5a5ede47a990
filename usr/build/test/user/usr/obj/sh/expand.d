build/test/user/usr/obj/sh/expand.o: /work/main/usr/sh/expand.c \
 /work/main/usr/sh/sh.h
/work/main/usr/sh/sh.h:
