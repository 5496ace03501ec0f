build-dev/ladder.o: src/ladder.c include/decode.h include/ladder.h \
 include/timeline.h include/session.h include/smtp_line.h include/app.h \
 include/tcp-track.h include/decode.h include/tcp-reasm.h \
 include/util-addr.h include/util-fmt.h include/util-mem.h
include/decode.h:
include/ladder.h:
include/timeline.h:
include/session.h:
include/smtp_line.h:
include/app.h:
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
include/util-addr.h:
include/util-fmt.h:
include/util-mem.h:
