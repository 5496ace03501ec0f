build-dev/timeline-facts.o: src/timeline-facts.c include/decode.h \
 include/engine.h include/exitcodes.h include/sendrec.h \
 include/timeline.h include/session.h include/smtp_line.h include/app.h \
 include/tcp-track.h include/decode.h include/tcp-reasm.h
include/decode.h:
include/engine.h:
include/exitcodes.h:
include/sendrec.h:
include/timeline.h:
include/session.h:
include/smtp_line.h:
include/app.h:
include/tcp-track.h:
include/decode.h:
include/tcp-reasm.h:
