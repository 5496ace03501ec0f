build-dev/privs.o: src/privs.c include/smtptrace.h include/client.h \
 include/exitcodes.h include/sendrec.h include/smtp_line.h \
 include/engine.h include/out.h
include/smtptrace.h:
include/client.h:
include/exitcodes.h:
include/sendrec.h:
include/smtp_line.h:
include/engine.h:
include/out.h:
