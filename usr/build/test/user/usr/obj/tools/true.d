build/test/user/usr/obj/tools/true.o: /work/main/usr/tools/true.c
