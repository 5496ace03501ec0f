build-dev/flow-arp.o: src/flow-arp.c include/flow-arp.h include/session.h \
 include/smtp_line.h include/app.h include/tcp-track.h include/decode.h \
 include/tcp-reasm.h include/util-mem.h
include/flow-arp.h:
include/session.h:
include/smtp_line.h:
include/app.h:
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
include/util-mem.h:
