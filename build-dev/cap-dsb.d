build-dev/cap-dsb.o: src/cap-dsb.c include/cap-dsb.h include/tls-keys.h
include/cap-dsb.h:
include/tls-keys.h:
