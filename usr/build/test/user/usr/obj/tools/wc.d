build/test/user/usr/obj/tools/wc.o: /work/main/usr/tools/wc.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
