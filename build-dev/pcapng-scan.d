build-dev/pcapng-scan.o: src/pcapng-scan.c include/pcapng-scan.h \
 include/util-strtab.h include/util-mem.h
include/pcapng-scan.h:
include/util-strtab.h:
include/util-mem.h:
