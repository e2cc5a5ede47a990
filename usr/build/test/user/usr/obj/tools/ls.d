build/test/user/usr/obj/tools/ls.o: /work/main/usr/tools/ls.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
