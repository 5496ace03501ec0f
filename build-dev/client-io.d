build-dev/client-io.o: src/client-io.c include/transport.h
include/transport.h:
