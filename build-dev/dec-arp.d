build-dev/dec-arp.o: src/dec-arp.c include/decode_int.h include/decode.h \
 include/extract.h
include/decode_int.h:
include/decode.h:
include/extract.h:
