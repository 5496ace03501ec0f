build-dev/smtp_line.o: src/smtp_line.c include/smtp_line.h
include/smtp_line.h:
