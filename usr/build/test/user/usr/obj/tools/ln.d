build/test/user/usr/obj/tools/ln.o: /work/main/usr/tools/ln.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
