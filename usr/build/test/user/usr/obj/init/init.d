build/test/user/usr/obj/init/init.o: /work/main/usr/init/init.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
