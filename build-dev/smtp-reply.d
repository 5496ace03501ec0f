build-dev/smtp-reply.o: src/smtp-reply.c include/smtp-int.h include/app.h \
 include/session.h include/smtp_line.h include/tcp-track.h \
 include/decode.h include/tcp-reasm.h
include/smtp-int.h:
include/app.h:
include/session.h:
include/smtp_line.h:
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
