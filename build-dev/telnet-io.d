build-dev/telnet-io.o: src/telnet-io.c include/exitcodes.h \
 include/telnet.h include/client.h include/exitcodes.h include/sendrec.h \
 include/smtp_line.h include/util-mem.h include/util-text.h
include/exitcodes.h:
include/telnet.h:
include/client.h:
include/exitcodes.h:
include/sendrec.h:
include/smtp_line.h:
include/util-mem.h:
include/util-text.h:
