build-dev/exitcodes.o: src/exitcodes.c include/exitcodes.h
include/exitcodes.h:
