build-dev/answers-q.o: src/answers-q.c include/answers-int.h \
 include/session.h include/smtp_line.h include/app.h include/tcp-track.h \
 include/decode.h include/tcp-reasm.h include/timeline.h include/decode.h \
 include/smtp_line.h include/util-addr.h include/util-fmt.h \
 include/util-text.h
include/answers-int.h:
include/session.h:
include/smtp_line.h:
include/app.h:
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
include/timeline.h:
include/decode.h:
include/smtp_line.h:
include/util-addr.h:
include/util-fmt.h:
include/util-text.h:
