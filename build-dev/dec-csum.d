build-dev/dec-csum.o: src/dec-csum.c include/decode_int.h \
 include/decode.h include/extract.h
include/decode_int.h:
include/decode.h:
include/extract.h:
