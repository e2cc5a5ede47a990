build/test/user/usr/obj/tools/sleep.o: /work/main/usr/tools/sleep.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
