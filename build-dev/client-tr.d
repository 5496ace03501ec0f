build-dev/client-tr.o: src/client-tr.c include/client-int.h \
 include/client.h include/exitcodes.h include/sendrec.h \
 include/smtp_line.h include/client-reply.h include/transport.h \
 include/util-text.h
include/client-int.h:
include/client.h:
include/exitcodes.h:
include/sendrec.h:
include/smtp_line.h:
include/client-reply.h:
include/transport.h:
include/util-text.h:
