build/test/user/usr/obj/tools/env.o: /work/main/usr/tools/env.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
