build-dev/send-finish.o: src/send-finish.c include/annot.h \
 include/engine.h include/exitcodes.h include/sendrec.h include/engine.h \
 include/send-int.h include/capture.h include/client.h \
 include/smtp_line.h include/dns.h include/netroute.h include/smtptrace.h \
 include/out.h include/tls-keys.h
include/annot.h:
include/engine.h:
include/exitcodes.h:
include/sendrec.h:
include/engine.h:
include/send-int.h:
include/capture.h:
include/client.h:
include/smtp_line.h:
include/dns.h:
include/netroute.h:
include/smtptrace.h:
include/out.h:
include/tls-keys.h:
