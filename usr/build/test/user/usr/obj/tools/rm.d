build/test/user/usr/obj/tools/rm.o: /work/main/usr/tools/rm.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
