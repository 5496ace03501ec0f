build-dev/timeline-roles.o: src/timeline-roles.c include/decode.h \
 include/timeline.h include/session.h include/smtp_line.h include/app.h \
 include/tcp-track.h include/decode.h include/tcp-reasm.h
include/decode.h:
include/timeline.h:
include/session.h:
include/smtp_line.h:
include/app.h:
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
