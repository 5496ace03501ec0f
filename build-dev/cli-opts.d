build-dev/cli-opts.o: src/cli-opts.c include/exitcodes.h \
 include/smtptrace.h include/client.h include/exitcodes.h \
 include/sendrec.h include/smtp_line.h include/engine.h include/out.h \
 include/util-text.h
include/exitcodes.h:
include/smtptrace.h:
include/client.h:
include/exitcodes.h:
include/sendrec.h:
include/smtp_line.h:
include/engine.h:
include/out.h:
include/util-text.h:
