build-dev/app.o: src/app.c include/app.h
include/app.h:
