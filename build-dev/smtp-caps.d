build-dev/smtp-caps.o: src/smtp-caps.c include/smtp_line.h
include/smtp_line.h:
