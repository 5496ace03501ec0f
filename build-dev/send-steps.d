build-dev/send-steps.o: src/send-steps.c include/connect.h include/dns.h \
 include/send-int.h include/capture.h include/client.h \
 include/exitcodes.h include/sendrec.h include/smtp_line.h \
 include/netroute.h include/smtptrace.h include/engine.h include/out.h \
 include/util-addr.h
include/connect.h:
include/dns.h:
include/send-int.h:
include/capture.h:
include/client.h:
include/exitcodes.h:
include/sendrec.h:
include/smtp_line.h:
include/netroute.h:
include/smtptrace.h:
include/engine.h:
include/out.h:
include/util-addr.h:
