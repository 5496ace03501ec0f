build-dev/cmd-send.o: src/cmd-send.c include/capture.h include/client.h \
 include/exitcodes.h include/sendrec.h include/smtp_line.h \
 include/connect.h include/dns.h include/dns.h include/engine.h \
 include/netroute.h include/send-int.h include/capture.h include/client.h \
 include/netroute.h include/smtptrace.h include/engine.h include/out.h
include/capture.h:
include/client.h:
include/exitcodes.h:
include/sendrec.h:
include/smtp_line.h:
include/connect.h:
include/dns.h:
include/dns.h:
include/engine.h:
include/netroute.h:
include/send-int.h:
include/capture.h:
include/client.h:
include/netroute.h:
include/smtptrace.h:
include/engine.h:
include/out.h:
