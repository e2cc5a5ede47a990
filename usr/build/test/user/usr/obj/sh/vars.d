build/test/user/usr/obj/sh/vars.o: /work/main/usr/sh/vars.c \
 /work/main/usr/sh/sh.h
/work/main/usr/sh/sh.h:
