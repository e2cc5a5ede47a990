build/test/user/usr/obj/sh/parse.o: /work/main/usr/sh/parse.c \
 /work/main/usr/sh/sh.h
/work/main/usr/sh/sh.h:
