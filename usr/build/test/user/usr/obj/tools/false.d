build/test/user/usr/obj/tools/false.o: /work/main/usr/tools/false.c
