build-dev/tcp-reasm.o: src/tcp-reasm.c include/tcp-reasm.h \
 include/util-mem.h
include/tcp-reasm.h:
include/util-mem.h:
