build-dev/tcp-track.o: src/tcp-track.c include/tcp-track.h \
 include/decode.h include/tcp-reasm.h
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
