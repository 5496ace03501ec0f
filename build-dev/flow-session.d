build-dev/flow-session.o: src/flow-session.c include/engine-int.h \
 include/decode.h include/engine.h include/exitcodes.h include/sendrec.h \
 include/flow-arp.h include/flow-table.h include/session.h \
 include/smtp_line.h include/app.h include/tcp-track.h \
 include/tcp-reasm.h include/util-mem.h
include/engine-int.h:
include/decode.h:
include/engine.h:
include/exitcodes.h:
include/sendrec.h:
include/flow-arp.h:
include/flow-table.h:
include/session.h:
include/smtp_line.h:
include/app.h:
include/tcp-track.h:
include/tcp-reasm.h:
include/util-mem.h:
