build-dev/dec-icmp6.o: src/dec-icmp6.c include/decode_int.h \
 include/decode.h include/extract.h
include/decode_int.h:
include/decode.h:
include/extract.h:
