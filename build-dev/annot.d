build-dev/annot.o: src/annot.c include/annot.h include/engine.h \
 include/exitcodes.h include/sendrec.h include/session.h \
 include/smtp_line.h include/app.h include/tcp-track.h include/decode.h \
 include/tcp-reasm.h include/timeline.h include/session.h \
 include/util-addr.h include/util-fmt.h include/util-mem.h \
 include/util-strtab.h include/util-text.h
include/annot.h:
include/engine.h:
include/exitcodes.h:
include/sendrec.h:
include/session.h:
include/smtp_line.h:
include/app.h:
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
include/timeline.h:
include/session.h:
include/util-addr.h:
include/util-fmt.h:
include/util-mem.h:
include/util-strtab.h:
include/util-text.h:
