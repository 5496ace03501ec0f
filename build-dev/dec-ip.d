build-dev/dec-ip.o: src/dec-ip.c include/decode_int.h include/decode.h \
 include/extract.h
include/decode_int.h:
include/decode.h:
include/extract.h:
