build-dev/smtp-cmd.o: src/smtp-cmd.c include/smtp-int.h include/app.h \
 include/session.h include/smtp_line.h include/tcp-track.h \
 include/decode.h include/tcp-reasm.h include/util-mem.h
include/smtp-int.h:
include/app.h:
include/session.h:
include/smtp_line.h:
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
include/util-mem.h:
