build-dev/netroute.o: src/netroute.c include/netroute.h \
 include/util-addr.h
include/netroute.h:
include/util-addr.h:
