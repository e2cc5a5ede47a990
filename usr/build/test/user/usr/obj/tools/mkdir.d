build/test/user/usr/obj/tools/mkdir.o: /work/main/usr/tools/mkdir.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
