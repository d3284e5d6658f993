# makedumpfile - a makedumpfile-compatible kernel crash-dump filter.
#
#   make                  build ./makedumpfile (codecs found with pkg-config)
#   make install          install binary and man page (PREFIX, DESTDIR)
#   make demo             make a small sample crash dump and filter it (sample/)
#   make check            run the test suite (tests/run)
#   make check-e2e        capture a real crash in QEMU and check it (slow)
#   make bench            compare speed and memory with upstream makedumpfile
#   make captures         make the real other-arch crash dumps that are missing
#                         (tests/capture/make-capture; CAPTURES=NAME... selects)
#   make check-sanitize   build with AddressSanitizer and UBSan into build-san/ and test it
#   make fuzz             build the libFuzzer harnesses (clang) into build-fuzz/ and run
#                         each for FUZZ_SECONDS (tests/fuzz/README)
#   make dist             build/makedumpfile-VERSION.tar.gz (git archive of the tracked files)
#   make deb              build/deb/makedumpfile_VERSION_ARCH.deb (debian/), checked by lintian
#   make rpm              build/rpm/RPMS/ARCH/makedumpfile-VERSION-*.rpm (makedumpfile.spec)
#   make check-kdump-tools  Debian 12 under QEMU: kdump-tools runs the .deb's binary (slow)

PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config

CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -Wall -Wextra -std=gnu11 -D_FILE_OFFSET_BITS=64
LDLIBS  += -lpthread

# Required libraries.
REQUIRED := zlib libelf libdw
CFLAGS  += $(shell $(PKG_CONFIG) --cflags $(REQUIRED))
LDLIBS  += $(shell $(PKG_CONFIG) --libs $(REQUIRED))

# Optional codecs: built in when pkg-config finds them (USELZO=off etc. to leave one out).
define codec
ifneq ($$($(1)),off)
ifeq ($$(shell $(PKG_CONFIG) --exists $(2) && echo yes),yes)
CFLAGS += -D$(3) $$(shell $(PKG_CONFIG) --cflags $(2))
LDLIBS += $$(shell $(PKG_CONFIG) --libs $(2))
endif
endif
endef
$(eval $(call codec,USELZO,lzo2,HAVE_LZO))
$(eval $(call codec,USESNAPPY,snappy,HAVE_SNAPPY))
$(eval $(call codec,USEZSTD,libzstd,HAVE_ZSTD))
# -c: zlib streams made by libdeflate, else by zlib (USELIBDEFLATE=off).
$(eval $(call codec,USELIBDEFLATE,libdeflate,HAVE_LIBDEFLATE))

# B: where objects and the binary go.  SANITIZE=1 builds into build-san/.
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
B ?= build-san
endif
# FUZZ=1: clang, instrumented for libFuzzer, ASan and UBSan, into build-fuzz/.
ifeq ($(FUZZ),1)
CC      := clang
CFLAGS  += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
B ?= build-fuzz
endif
B ?= .

SRCS := makedumpfile.c keep.c kallsyms.c cli.c err.c log.c infile.c vmcore.c vmcore_elf.c vmcore_kdump.c \
	kfacts.c vmcoreinfo.c dwarf_info.c kview.c kernel.c memmap.c pagerules.c filter.c plan.c \
	bm2store.c dump.c scanpool.c pagepipe.c compress.c \
	sink.c out_kdump.c out_elf.c split.c report.c dmesg.c memusage.c \
	arch/arch.c arch/x86_64.c arch/arm64.c arch/ppc64.c arch/x86.c arch/s390x.c arch/riscv64.c \
	arch/arm.c arch/loongarch64.c arch/mips64.c arch/vatables.c
OBJS := $(addprefix $(B)/,$(SRCS:.c=.o))
LIB_OBJS := $(filter-out $(B)/makedumpfile.o,$(OBJS))

all: $(B)/makedumpfile $(B)/libmdf.a

$(B)/makedumpfile: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d)

# The objects without main(), for the unit tests.
$(B)/libmdf.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

# What a program linking libmdf.a needs (tests/run reads it).
$(B)/link-flags: Makefile
	@mkdir -p $(B)
	@echo '$(CFLAGS) | $(LDFLAGS) $(LDLIBS)' > $@
all: $(B)/link-flags

install: $(B)/makedumpfile
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(B)/makedumpfile $(DESTDIR)$(SBINDIR)/makedumpfile
	install -m 644 makedumpfile.8 $(DESTDIR)$(MANDIR)/man8/makedumpfile.8

# The synthetic-dump generator of the tests, and the README's demo.
tests/bin/mkvmcore: $(wildcard tests/gen/*.c tests/gen/*.h)
	@mkdir -p tests/bin
	$(CC) -O2 -g -Wall -Wextra -o $@ tests/gen/*.c

demo: all tests/bin/mkvmcore
	@mkdir -p sample
	tests/bin/mkvmcore tests/specs/sample.spec sample/vmcore
	rm -f sample/dumpfile
	$(B)/makedumpfile -l -d 31 --message-level 23 sample/vmcore sample/dumpfile

check: all
	tests/run

check-sanitize:
	$(MAKE) SANITIZE=1
	MDF_BUILD=build-san tests/run

# The fuzz harnesses: tests/fuzz/fuzz_NAME.c -> build-fuzz/fuzz_NAME.
FUZZ_SECONDS ?= 60
FUZZ_HARNESSES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_DEPS := tests/fuzz/common.c tests/fuzz/fuzz.h tests/fuzz/input.h

ifeq ($(FUZZ),1)
fuzz-build: $(B)/libmdf.a $(addprefix $(B)/fuzz_,$(FUZZ_HARNESSES))
$(B)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS) $(B)/libmdf.a
	$(CC) $(CFLAGS) -fsanitize=fuzzer -I. -o $@ $< tests/fuzz/common.c $(B)/libmdf.a $(LDLIBS)
endif

fuzz:
	$(MAKE) FUZZ=1 fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_HARNESSES)

check-e2e: all
	tests/e2e/run

bench: all
	tests/bench/run

# real crash dumps of other arches' Debian kernels under QEMU, cached in
# /var/cache/mdf-captures; only those missing are made (CAPTURES= selects)
CAPTURES ?= ppc64le-6.1 i386-pae-6.1 i386-6.1 s390x-6.1 riscv64-6.12
captures:
	tests/capture/make-capture $(CAPTURES)

check-kdump-tools: deb
	tests/kdump-tools/run

# Packages.  The version is the program's own (MDF_VERSION); the tarball
# holds the tracked files as they are in the work tree (committed or not).
VERSION := $(shell sed -n 's/^\#define MDF_VERSION[^"]*"\(.*\)"/\1/p' makedumpfile.h)
TARBALL := build/makedumpfile-$(VERSION).tar.gz

dist:
	@mkdir -p build
	tree=$$(git stash create) && git archive --prefix=makedumpfile-$(VERSION)/ -o $(TARBALL) $${tree:-HEAD}
	@echo $(TARBALL)

# dpkg-buildpackage writes next to the tree it builds: build/deb/.
deb: dist
	rm -rf build/deb && mkdir -p build/deb
	tar -xzf $(TARBALL) -C build/deb
	cd build/deb/makedumpfile-$(VERSION) && dpkg-buildpackage -b -us -uc
	lintian --fail-on error build/deb/*.changes
	@ls build/deb/*.deb

# BuildRequires name Fedora's packages, which Debian's rpm database does
# not know: --nodeps here, rpmbuild checks them on Fedora/RHEL.
rpm: dist
	rm -rf build/rpm && mkdir -p build/rpm/SOURCES
	cp $(TARBALL) build/rpm/SOURCES/
	rpmbuild --nodeps --define '_topdir $(CURDIR)/build/rpm' -ba makedumpfile.spec
	@ls build/rpm/RPMS/*/*.rpm

clean:
	rm -f makedumpfile libmdf.a link-flags $(OBJS) $(OBJS:.o=.d)
	rm -rf tests/bin build-san build-fuzz sample build

.PHONY: all install demo check check-sanitize check-e2e bench captures clean fuzz fuzz-build \
	dist deb rpm check-kdump-tools
