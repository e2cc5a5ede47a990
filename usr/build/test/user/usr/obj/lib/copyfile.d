build/test/user/usr/obj/lib/copyfile.o: /work/main/usr/lib/copyfile.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
