build/test/user/usr/obj/tools/cp.o: /work/main/usr/tools/cp.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
