build-dev/dns-resolve.o: src/dns-resolve.c include/dns.h \
 include/exitcodes.h
include/dns.h:
include/exitcodes.h:
