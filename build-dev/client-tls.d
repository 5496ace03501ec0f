build-dev/client-tls.o: src/client-tls.c include/client-int.h \
 include/client.h include/exitcodes.h include/sendrec.h \
 include/smtp_line.h include/client-reply.h include/transport.h \
 include/util-mem.h
include/client-int.h:
include/client.h:
include/exitcodes.h:
include/sendrec.h:
include/smtp_line.h:
include/client-reply.h:
include/transport.h:
include/util-mem.h:
