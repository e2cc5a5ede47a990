build/test/user/usr/obj/sh/edit.o: /work/main/usr/sh/edit.c \
 /work/main/usr/sh/sh.h
/work/main/usr/sh/sh.h:
