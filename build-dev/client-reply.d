build-dev/client-reply.o: src/client-reply.c include/client-reply.h \
 include/smtp_line.h include/util-text.h
include/client-reply.h:
include/smtp_line.h:
include/util-text.h:
