build-dev/send-input.o: src/send-input.c include/exitcodes.h \
 include/msg.h include/send-int.h include/capture.h include/client.h \
 include/exitcodes.h include/sendrec.h include/smtp_line.h include/dns.h \
 include/netroute.h include/smtptrace.h include/engine.h include/out.h \
 include/util-mem.h
include/exitcodes.h:
include/msg.h:
include/send-int.h:
include/capture.h:
include/client.h:
include/exitcodes.h:
include/sendrec.h:
include/smtp_line.h:
include/dns.h:
include/netroute.h:
include/smtptrace.h:
include/engine.h:
include/out.h:
include/util-mem.h:
