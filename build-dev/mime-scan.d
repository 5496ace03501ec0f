build-dev/mime-scan.o: src/mime-scan.c include/mime.h
include/mime.h:
