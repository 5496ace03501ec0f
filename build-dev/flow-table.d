build-dev/flow-table.o: src/flow-table.c include/flow-table.h \
 include/decode.h include/session.h include/smtp_line.h include/app.h \
 include/tcp-track.h include/tcp-reasm.h include/util-mem.h
include/flow-table.h:
include/decode.h:
include/session.h:
include/smtp_line.h:
include/app.h:
include/tcp-track.h:
include/tcp-reasm.h:
include/util-mem.h:
