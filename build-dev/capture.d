build-dev/capture.o: src/capture.c include/capture-int.h \
 include/capture.h include/pcapng.h include/decode.h include/util-mem.h \
 include/tcp-track.h include/decode.h include/tcp-reasm.h
include/capture-int.h:
include/capture.h:
include/pcapng.h:
include/decode.h:
include/util-mem.h:
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
