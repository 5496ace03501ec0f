build-dev/mime-enc.o: src/mime-enc.c include/mime.h
include/mime.h:
