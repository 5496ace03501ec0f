build-dev/analyze.o: src/analyze.c include/cap-dsb.h include/tls-keys.h \
 include/decode.h include/engine.h include/exitcodes.h include/sendrec.h \
 include/exitcodes.h include/out.h include/engine.h include/smtptrace.h \
 include/client.h include/smtp_line.h include/out.h include/tls-keys.h
include/cap-dsb.h:
include/tls-keys.h:
include/decode.h:
include/engine.h:
include/exitcodes.h:
include/sendrec.h:
include/exitcodes.h:
include/out.h:
include/engine.h:
include/smtptrace.h:
include/client.h:
include/smtp_line.h:
include/out.h:
include/tls-keys.h:
