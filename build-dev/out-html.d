build-dev/out-html.o: src/out-html.c include/ladder.h include/timeline.h \
 include/session.h include/smtp_line.h include/app.h include/tcp-track.h \
 include/decode.h include/tcp-reasm.h include/out.h include/engine.h \
 include/exitcodes.h include/sendrec.h include/session.h \
 include/timeline.h include/util-addr.h include/util-fmt.h \
 include/util-mem.h include/util-xml.h
include/ladder.h:
include/timeline.h:
include/session.h:
include/smtp_line.h:
include/app.h:
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
include/out.h:
include/engine.h:
include/exitcodes.h:
include/sendrec.h:
include/session.h:
include/timeline.h:
include/util-addr.h:
include/util-fmt.h:
include/util-mem.h:
include/util-xml.h:
