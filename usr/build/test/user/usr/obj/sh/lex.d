build/test/user/usr/obj/sh/lex.o: /work/main/usr/sh/lex.c \
 /work/main/usr/sh/sh.h
/work/main/usr/sh/sh.h:
