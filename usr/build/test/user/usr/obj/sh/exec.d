build/test/user/usr/obj/sh/exec.o: /work/main/usr/sh/exec.c \
 /work/main/usr/sh/sh.h
/work/main/usr/sh/sh.h:
