build-dev/main.o: src/main.c include/smtptrace.h include/client.h \
 include/exitcodes.h include/sendrec.h include/smtp_line.h \
 include/engine.h include/out.h
include/smtptrace.h:
include/client.h:
include/exitcodes.h:
include/sendrec.h:
include/smtp_line.h:
include/engine.h:
include/out.h:
