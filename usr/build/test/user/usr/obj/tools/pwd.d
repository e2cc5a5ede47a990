build/test/user/usr/obj/tools/pwd.o: /work/main/usr/tools/pwd.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
