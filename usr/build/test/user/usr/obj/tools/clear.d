build/test/user/usr/obj/tools/clear.o: /work/main/usr/tools/clear.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
