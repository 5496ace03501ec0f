build-dev/dec-tcp.o: src/dec-tcp.c include/decode_int.h include/decode.h \
 include/extract.h
include/decode_int.h:
include/decode.h:
include/extract.h:
