build/test/user/usr/obj/tools/uname.o: /work/main/usr/tools/uname.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
