# SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
#
# if_tuntap, for people who install it:
#
#   make                      module for the running kernel (or KVER=...),
#                             tuntapctl and tunfwd, the examples
#   make install              DKMS module, headers, tools, man pages, udev rule
#   make uninstall            all of the above, DKMS module included
#   make deb                  Debian packages (if-tuntap-dkms, -tools, -dev)
#                             in build/deb/, checked by lintian
#
# PREFIX (/usr/local) and DESTDIR work as usual.  With DESTDIR set, or
# DKMS=no, install only copies the module's source to /usr/src and leaves
# "dkms add/build/install" to the package's scripts.
#
# The version lives in one place, TUNTAP_VERSION in src/tuntap.h: the
# module, ethtool -i, modinfo, the DKMS package and the tools all take it
# from there.

VERSION := $(shell sed -n 's/^\#define[[:space:]]*TUNTAP_VERSION[[:space:]]*"\(.*\)"/\1/p' src/tuntap.h)
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
UDEVRULESDIR ?= /etc/udev/rules.d
DKMSSRC ?= /usr/src/if_tuntap-$(VERSION)
DKMS ?= $(if $(DESTDIR),no,yes)
OUT ?= build
INSTALL ?= install
CFLAGS ?= -O2 -g

TOOLS := tuntapctl tunfwd
MAN4 := tun.4 tap.4
MAN8 := tuntapctl.8 tunfwd.8
UDEVRULE := 70-if_tuntap.rules
MODSRC := $(wildcard src/*.c src/*.h) src/Kbuild src/Makefile
HEADERS := include/net/if_tun.h include/net/if_tap.h

ifeq ($(VERSION),)
$(error cannot read TUNTAP_VERSION from src/tuntap.h)
endif

all: module tools examples

version:
	@echo $(VERSION)

# The module builds in build/KVER/ (a copy of src/ and include/), never in
# the source tree, exactly as DKMS builds its own copy.
module:
	@if [ ! -d "$(KDIR)" ]; then \
		echo "make: no kernel headers for $(KVER) in $(KDIR)" \
		     "(apt-get install linux-headers-$(KVER), or make KVER=...)" >&2; \
		exit 1; \
	fi
	mkdir -p $(OUT)/$(KVER)/src $(OUT)/$(KVER)/include
	cp -u $(MODSRC) $(OUT)/$(KVER)/src/
	cp -ru include/net $(OUT)/$(KVER)/include/
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(OUT)/$(KVER)/src $(KBUILD_FLAGS) modules
	cp $(OUT)/$(KVER)/src/if_tuntap.ko $(OUT)/$(KVER)/if_tuntap.ko

tools:
	$(MAKE) -C tools OUT=$(CURDIR)/$(OUT)/tools

examples:
	$(MAKE) -C examples OUT=$(CURDIR)/$(OUT)/examples

install: tools install-dkms
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(INCLUDEDIR)/net \
		$(DESTDIR)$(MANDIR)/man4 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(UDEVRULESDIR)
	$(INSTALL) -m 755 $(addprefix $(OUT)/tools/,$(TOOLS)) $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/net/
	$(INSTALL) -m 644 $(addprefix man/,$(MAN4)) $(DESTDIR)$(MANDIR)/man4/
	$(INSTALL) -m 644 man/vmnet.4 $(DESTDIR)$(MANDIR)/man4/
	$(INSTALL) -m 644 $(addprefix man/,$(MAN8)) $(DESTDIR)$(MANDIR)/man8/
	@# The rule is configuration: an edited copy is kept.
	if [ -e $(DESTDIR)$(UDEVRULESDIR)/$(UDEVRULE) ] && \
	   ! cmp -s packaging/$(UDEVRULE) $(DESTDIR)$(UDEVRULESDIR)/$(UDEVRULE); then \
		echo "make: keeping your edited $(UDEVRULESDIR)/$(UDEVRULE)"; \
	else \
		$(INSTALL) -m 644 packaging/$(UDEVRULE) $(DESTDIR)$(UDEVRULESDIR)/; \
	fi
	-[ -z "$(DESTDIR)" ] && command -v udevadm > /dev/null && \
		udevadm control --reload 2> /dev/null; true

# The module's source goes where DKMS expects it, with dkms.conf's version
# filled in; DKMS then builds it for KVER and for every later kernel.  A
# reinstall of the same version replaces the old build.
install-dkms:
ifeq ($(DKMS),yes)
	@command -v dkms > /dev/null || \
		{ echo "make: dkms is not installed (apt-get install dkms)" >&2; exit 1; }
	if dkms status -m if_tuntap -v $(VERSION) | grep -q .; then \
		dkms remove -m if_tuntap -v $(VERSION) --all; \
	fi
endif
	rm -rf $(DESTDIR)$(DKMSSRC)
	$(INSTALL) -d $(DESTDIR)$(DKMSSRC)/src $(DESTDIR)$(DKMSSRC)/include/net
	$(INSTALL) -m 644 $(MODSRC) $(DESTDIR)$(DKMSSRC)/src/
	$(INSTALL) -m 644 $(HEADERS) $(DESTDIR)$(DKMSSRC)/include/net/
	sed 's/@VERSION@/$(VERSION)/' dkms.conf > $(DESTDIR)$(DKMSSRC)/dkms.conf
ifeq ($(DKMS),yes)
	dkms add -m if_tuntap -v $(VERSION)
	dkms build -m if_tuntap -v $(VERSION) -k $(KVER)
	dkms install -m if_tuntap -v $(VERSION) -k $(KVER)
endif

uninstall:
ifeq ($(DKMS),yes)
	if command -v dkms > /dev/null && \
	   dkms status -m if_tuntap -v $(VERSION) | grep -q .; then \
		dkms remove -m if_tuntap -v $(VERSION) --all; \
	fi
endif
	rm -rf $(DESTDIR)$(DKMSSRC)
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(TOOLS))
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/net/,$(notdir $(HEADERS)))
	rmdir $(DESTDIR)$(INCLUDEDIR)/net 2> /dev/null || true
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man4/,$(MAN4) vmnet.4)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(MAN8))
	rm -f $(DESTDIR)$(UDEVRULESDIR)/$(UDEVRULE)

# dpkg-buildpackage on a copy of the tree (debian/), then lintian.
deb:
	scripts/deb.sh

clean:
	rm -rf $(OUT)

.PHONY: all version module tools examples install install-dkms uninstall deb clean
