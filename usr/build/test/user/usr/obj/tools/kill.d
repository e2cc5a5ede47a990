build/test/user/usr/obj/tools/kill.o: /work/main/usr/tools/kill.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
