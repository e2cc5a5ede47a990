build/test/user/usr/obj/tools/mv.o: /work/main/usr/tools/mv.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
