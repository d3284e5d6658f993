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

# B: where objects and the binary go.  SANITIZE=1 builds into build-san/.
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
B ?= build-san
endif
B ?= .

SRCS := makedumpfile.c cli.c err.c log.c infile.c vmcore.c vmcore_elf.c vmcore_kdump.c \
	kfacts.c vmcoreinfo.c dwarf_info.c kview.c kernel.c memmap.c pagerules.c filter.c plan.c \
	bm2store.c dump.c pagepipe.c compress.c \
	sink.c out_kdump.c out_elf.c split.c report.c dmesg.c memusage.c \
	arch/arch.c arch/x86_64.c arch/arm64.c arch/x86.c
OBJS := $(addprefix $(B)/,$(SRCS:.c=.o))
LIB_OBJS := $(filter-out $(B)/makedumpfile.o,$(OBJS))

all: $(B)/makedumpfile $(B)/libmdf.a

$(B)/makedumpfile: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

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

check-e2e: all
	tests/e2e/run

bench: all
	tests/bench/run

# real crash dumps of other arches' Debian kernels under QEMU, cached in
# /var/cache/mdf-captures; only those missing are made (CAPTURES= selects)
CAPTURES ?= ppc64le-6.1 i386-pae-6.1 i386-6.1 s390x-6.1 riscv64-6.12
captures:
	tests/capture/make-capture $(CAPTURES)

clean:
	rm -f makedumpfile libmdf.a link-flags $(OBJS) $(OBJS:.o=.d)
	rm -rf tests/bin build-san sample

.PHONY: all install demo check check-sanitize check-e2e bench captures clean
