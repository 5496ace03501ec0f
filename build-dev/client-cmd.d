build-dev/client-cmd.o: src/client-cmd.c include/client-int.h \
 include/client.h include/exitcodes.h include/sendrec.h \
 include/smtp_line.h include/client-reply.h include/transport.h
include/client-int.h:
include/client.h:
include/exitcodes.h:
include/sendrec.h:
include/smtp_line.h:
include/client-reply.h:
include/transport.h:
