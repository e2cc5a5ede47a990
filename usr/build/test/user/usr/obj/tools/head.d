build/test/user/usr/obj/tools/head.o: /work/main/usr/tools/head.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
