# SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
# The userland folders' common rules: each of $(PROGS) is built from its
# own .c file (plus $(SHARED), sources every program links) into $(OUT),
# and rebuilt when $(DEPS) change.  Set those and CFLAGS, then include.
all: $(addprefix $(OUT)/,$(PROGS))

$(OUT)/%: %.c $(SHARED) $(DEPS) | $(OUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(SHARED) $(LDLIBS)

$(OUT):
	mkdir -p $@

clean:
	rm -rf $(OUT)

.PHONY: all clean
