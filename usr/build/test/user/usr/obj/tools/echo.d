build/test/user/usr/obj/tools/echo.o: /work/main/usr/tools/echo.c \
 /work/main/usr/lib/ulib.h
/work/main/usr/lib/ulib.h:
