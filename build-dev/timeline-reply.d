build-dev/timeline-reply.o: src/timeline-reply.c include/smtp_line.h \
 include/timeline.h include/session.h include/smtp_line.h include/app.h \
 include/tcp-track.h include/decode.h include/tcp-reasm.h
include/smtp_line.h:
include/timeline.h:
include/session.h:
include/smtp_line.h:
include/app.h:
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
