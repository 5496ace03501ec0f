build-dev/cmd-annotate.o: src/cmd-annotate.c include/annot.h \
 include/engine.h include/exitcodes.h include/sendrec.h include/decode.h \
 include/exitcodes.h include/pcapng-scan.h include/util-strtab.h \
 include/pcapng.h include/send-int.h include/capture.h include/client.h \
 include/smtp_line.h include/dns.h include/netroute.h include/smtptrace.h \
 include/out.h include/util-mem.h
include/annot.h:
include/engine.h:
include/exitcodes.h:
include/sendrec.h:
include/decode.h:
include/exitcodes.h:
include/pcapng-scan.h:
include/util-strtab.h:
include/pcapng.h:
include/send-int.h:
include/capture.h:
include/client.h:
include/smtp_line.h:
include/dns.h:
include/netroute.h:
include/smtptrace.h:
include/out.h:
include/util-mem.h:
