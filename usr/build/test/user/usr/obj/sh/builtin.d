build/test/user/usr/obj/sh/builtin.o: /work/main/usr/sh/builtin.c \
 /work/main/usr/sh/sh.h
/work/main/usr/sh/sh.h:
