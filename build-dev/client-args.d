build-dev/client-args.o: src/client-args.c include/client.h \
 include/exitcodes.h include/sendrec.h include/smtp_line.h include/msg.h
include/client.h:
include/exitcodes.h:
include/sendrec.h:
include/smtp_line.h:
include/msg.h:
