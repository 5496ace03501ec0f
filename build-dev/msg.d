build-dev/msg.o: src/msg.c include/msg.h include/mime.h include/client.h \
 include/exitcodes.h include/sendrec.h include/smtp_line.h
include/msg.h:
include/mime.h:
include/client.h:
include/exitcodes.h:
include/sendrec.h:
include/smtp_line.h:
