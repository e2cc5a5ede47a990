build/test/user/usr/obj/sh/util.o: /work/main/usr/sh/util.c \
 /work/main/usr/sh/sh.h
/work/main/usr/sh/sh.h:
