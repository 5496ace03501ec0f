build-dev/mime.o: src/mime.c include/mime.h
include/mime.h:
