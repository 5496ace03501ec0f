build-dev/dns-mx.o: src/dns-mx.c include/dns.h
include/dns.h:
