build-dev/pcapng.o: src/pcapng.c include/pcapng.h
include/pcapng.h:
