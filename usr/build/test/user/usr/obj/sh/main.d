build/test/user/usr/obj/sh/main.o: /work/main/usr/sh/main.c \
 /work/main/usr/sh/sh.h
/work/main/usr/sh/sh.h:
