build/test/user/usr/obj/lib/ulib.o: /work/main/usr/lib/ulib.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
