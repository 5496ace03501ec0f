build-dev/dec-link.o: src/dec-link.c include/decode_int.h \
 include/decode.h include/extract.h
include/decode_int.h:
include/decode.h:
include/extract.h:
