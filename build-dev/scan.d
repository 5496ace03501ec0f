build-dev/scan.o: src/scan.c include/session.h include/smtp_line.h \
 include/app.h include/tcp-track.h include/decode.h include/tcp-reasm.h
include/session.h:
include/smtp_line.h:
include/app.h:
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
