build-dev/out-json.o: src/out-json.c include/decode.h \
 include/flow-table.h include/decode.h include/out.h include/engine.h \
 include/exitcodes.h include/sendrec.h include/session.h \
 include/smtp_line.h include/app.h include/tcp-track.h \
 include/tcp-reasm.h include/smtp_line.h include/timeline.h \
 include/session.h include/util-addr.h include/util-fmt.h \
 include/util-text.h
include/decode.h:
include/flow-table.h:
include/decode.h:
include/out.h:
include/engine.h:
include/exitcodes.h:
include/sendrec.h:
include/session.h:
include/smtp_line.h:
include/app.h:
include/tcp-track.h:
include/tcp-reasm.h:
include/smtp_line.h:
include/timeline.h:
include/session.h:
include/util-addr.h:
include/util-fmt.h:
include/util-text.h:
