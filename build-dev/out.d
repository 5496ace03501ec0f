build-dev/out.o: src/out.c include/out.h include/engine.h \
 include/exitcodes.h include/sendrec.h include/util-mem.h
include/out.h:
include/engine.h:
include/exitcodes.h:
include/sendrec.h:
include/util-mem.h:
