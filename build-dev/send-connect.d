build-dev/send-connect.o: src/send-connect.c include/connect.h \
 include/dns.h include/exitcodes.h include/util-addr.h
include/connect.h:
include/dns.h:
include/exitcodes.h:
include/util-addr.h:
