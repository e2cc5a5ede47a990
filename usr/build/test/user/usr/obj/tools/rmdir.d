build/test/user/usr/obj/tools/rmdir.o: /work/main/usr/tools/rmdir.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
