build-dev/capture-handle.o: src/capture-handle.c include/capture-int.h \
 include/capture.h include/pcapng.h include/util-addr.h
include/capture-int.h:
include/capture.h:
include/pcapng.h:
include/util-addr.h:
