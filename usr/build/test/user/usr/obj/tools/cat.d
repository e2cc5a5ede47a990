build/test/user/usr/obj/tools/cat.o: /work/main/usr/tools/cat.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
