# clinecfg - see README.md.  Targets: all check check-asan check-valgrind fuzz
# bench demo install uninstall clean deps deb rpm.
# CC, CFLAGS, CPPFLAGS, LDFLAGS, PKG_CONFIG, PREFIX, DESTDIR and INSTALL come
# from the environment; warnings and hardening are always added on top.

VERSION    := $(shell cat VERSION)
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
DOCDIR     ?= $(DATADIR)/doc/clinecfg
ZSHCOMPDIR ?= $(DATADIR)/zsh/vendor-completions
INSTALL    ?= install
PKG_CONFIG ?= pkg-config
CC         ?= cc
CFLAGS     ?= -O2 -g
BUILD      ?= build
FUZZ_SECONDS ?= 60

# macOS keeps secrets in the login keychain (Security framework) instead
# of libsecret; everything else is the same.
UNAME_S := $(shell uname -s)
ifeq ($(UNAME_S),Darwin)
PKGS := libcurl libcrypto libcjson expat
KEYRING_SKIP := src/store/keyring_libsecret.c src/store/libsecret_dl.c
PLATFORM_LIBS := -framework Security -framework CoreFoundation
HARDEN_LD_OS :=
else
PKGS := libcurl libcrypto libcjson libsecret-1 expat
KEYRING_SKIP := src/store/keyring_macos.c
PLATFORM_LIBS :=
HARDEN_LD_OS := -Wl,-z,relro -Wl,-z,now
endif
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# libcurl and libsecret are opened with dlopen on first use
# (src/aws/curl_dl.c, src/store/libsecret_dl.c), so only their headers are
# needed at build time.
DLOPENED   := libcurl libsecret-1
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs $(filter-out $(DLOPENED),$(PKGS)) 2>/dev/null) $(PLATFORM_LIBS) -ldl -lpthread
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter
HARDEN   := -fstack-protector-strong -fstack-clash-protection -fPIE -D_FORTIFY_SOURCE=2
HARDEN_LD:= -pie $(HARDEN_LD_OS)
ALL_CPPFLAGS = -Iinclude -I$(BUILD)/gen -D_POSIX_C_SOURCE=200809L $(CPPFLAGS)
ALL_CFLAGS   = $(WARN) $(HARDEN) $(CFLAGS) $(DEP_CFLAGS)
ALL_LDFLAGS  = $(HARDEN_LD) $(LDFLAGS)

# Every .c under src/ is part of the tool, except the other platform's
# keyring back end.
# The command layer (main, the option parser and src/cmd/) links straight
# into the binary; everything below it goes into the archive that the unit
# tests, fuzzers and drivers link against.
SRC      := $(filter-out $(KEYRING_SKIP),$(wildcard src/*.c src/*/*.c))
CLI_SRC  := src/main.c src/cli.c $(wildcard src/cmd/*.c)
LIB_SRC  := $(filter-out $(CLI_SRC),$(SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
VERSION_H := $(BUILD)/gen/clinecfg/version.h


.PHONY: build-deps-present all check check-asan check-valgrind fuzz bench demo install uninstall clean deps deps-if-missing deb rpm unit

all: clinecfg

clinecfg: $(BUILD)/clinecfg
	cp $< $@

$(BUILD)/clinecfg: $(CLI_OBJ) $(BUILD)/libclinecfg.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(BUILD)/libclinecfg.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(VERSION_H): VERSION
	@mkdir -p $(dir $@)
	printf '#ifndef CLINECFG_VERSION_H\n#define CLINECFG_VERSION_H\n#define CLINECFG_VERSION "%s"\n#endif\n' "$(VERSION)" > $@

$(BUILD)/%.o: %.c $(VERSION_H) | build-deps-present
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libclinecfg.a $(VERSION_H)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libclinecfg.a $(CMOCKA_LIBS) $(DEP_LIBS)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# Test drivers: small programs the integration tests run against the
# library, built with the same flags (and sanitizers) as everything else.
DRIVER_BIN := $(BUILD)/tests/cline_driver $(BUILD)/tests/sso_driver $(BUILD)/tests/jsonc_driver $(BUILD)/tests/usage_driver
$(BUILD)/tests/cline_driver: tests/golden/cline/driver.c
$(BUILD)/tests/sso_driver: tests/sso/driver.c
$(BUILD)/tests/jsonc_driver: tests/diff/jsonc_driver.c
$(BUILD)/tests/usage_driver: tests/usage/driver.c
$(DRIVER_BIN): $(BUILD)/libclinecfg.a $(VERSION_H)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.c,$^) $(BUILD)/libclinecfg.a $(DEP_LIBS)

unit: $(UNIT_BIN) $(DRIVER_BIN)

# A plain `make` on a machine without the -dev packages says what to do
# instead of failing on a missing header.
build-deps-present:
	@$(PKG_CONFIG) --exists $(PKGS) 2>/dev/null || { \
	  echo "clinecfg: the build needs the pkg-config packages '$(PKGS)' ($(PKG_CONFIG) cannot find:$$(for p in $(PKGS); do $(PKG_CONFIG) --exists $$p 2>/dev/null || printf ' %s' $$p; done))." >&2; \
	  echo "clinecfg: run 'make deps' (Debian/Ubuntu; installs them with apt-get), or 'make check' / 'make demo', which install what is missing first." >&2; exit 4; }

# Installs missing build and test packages only when something is missing.
deps-if-missing:
	@sh tests/deps.sh --if-missing

deps:
	@sh tests/deps.sh

check: deps-if-missing
	$(MAKE) all unit
	CLINECFG_BIN=$(CURDIR)/$(BUILD)/clinecfg CLINECFG_BUILD=$(CURDIR)/$(BUILD) sh tests/run.sh

check-asan: deps-if-missing
	$(MAKE) BUILD=build-asan CC=clang CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" build-asan/clinecfg unit
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  CLINECFG_BIN=$(CURDIR)/build-asan/clinecfg CLINECFG_BUILD=$(CURDIR)/build-asan sh tests/run.sh

check-valgrind: deps-if-missing
	$(MAKE) all unit
	CLINECFG_VALGRIND=1 CLINECFG_BIN=$(CURDIR)/$(BUILD)/clinecfg CLINECFG_BUILD=$(CURDIR)/$(BUILD) sh tests/run.sh

fuzz: deps-if-missing
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_SRC)

# demo and bench build in a second make: this one read the pkg-config flags
# when it started, which on a fresh machine was before deps installed the
# headers they name.
bench: deps-if-missing
	$(MAKE) all
	CLINECFG_BIN=$(CURDIR)/$(BUILD)/clinecfg sh tests/bench/run.sh

demo: deps-if-missing
	$(MAKE) all
	CLINECFG_BIN=$(CURDIR)/$(BUILD)/clinecfg sh tests/demo.sh

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR) \
	  $(DESTDIR)$(DATADIR)/bash-completion/completions $(DESTDIR)$(ZSHCOMPDIR) \
	  $(DESTDIR)$(DATADIR)/fish/vendor_completions.d $(DESTDIR)$(DATADIR)/clinecfg
	$(INSTALL) -m 0755 $(BUILD)/clinecfg $(DESTDIR)$(BINDIR)/clinecfg
	if [ -f packaging/clinecfg.1 ]; then $(INSTALL) -m 0644 packaging/clinecfg.1 $(DESTDIR)$(MANDIR)/man1/clinecfg.1; fi
	if [ -f packaging/completions/clinecfg.bash ]; then $(INSTALL) -m 0644 packaging/completions/clinecfg.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/clinecfg; fi
	if [ -f packaging/completions/_clinecfg ]; then $(INSTALL) -m 0644 packaging/completions/_clinecfg $(DESTDIR)$(ZSHCOMPDIR)/_clinecfg; fi
	if [ -f packaging/completions/clinecfg.fish ]; then $(INSTALL) -m 0644 packaging/completions/clinecfg.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/clinecfg.fish; fi
	if [ -f packaging/config.example.json ]; then $(INSTALL) -m 0644 packaging/config.example.json $(DESTDIR)$(DOCDIR)/config.example.json; fi
	if [ -f LICENSE ]; then $(INSTALL) -m 0644 LICENSE $(DESTDIR)$(DOCDIR)/LICENSE; fi
	$(INSTALL) -m 0644 packaging/prices.json $(DESTDIR)$(DATADIR)/clinecfg/prices.json

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/clinecfg $(DESTDIR)$(MANDIR)/man1/clinecfg.1 \
	  $(DESTDIR)$(DATADIR)/bash-completion/completions/clinecfg $(DESTDIR)$(ZSHCOMPDIR)/_clinecfg \
	  $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/clinecfg.fish $(DESTDIR)$(DOCDIR)/config.example.json \
	  $(DESTDIR)$(DOCDIR)/LICENSE $(DESTDIR)$(DATADIR)/clinecfg/prices.json
	-rmdir $(DESTDIR)$(DOCDIR) $(DESTDIR)$(DATADIR)/clinecfg 2>/dev/null

# Packages.  Both build from a copy of the files the build needs, so the
# working tree (and its build folders) stays as it is; everything they make
# lives under $(BUILD)/ or is a *.deb / *.rpm at the top, which `make clean`
# removes.  The version comes from VERSION; packaging/version-check.sh fails
# when the man page, changelog, spec or formula disagree with it.
PKG_FILES := Makefile VERSION LICENSE include src packaging
DEB_ARCH   = $(shell dpkg --print-architecture)
DEB_FILE   = clinecfg_$(VERSION)_$(DEB_ARCH).deb
RPM_TOP    = $(CURDIR)/$(BUILD)/rpm

deb:
	sh packaging/version-check.sh
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/clinecfg-$(VERSION)
	cp -R $(PKG_FILES) $(BUILD)/deb/clinecfg-$(VERSION)/
	cp -R packaging/debian $(BUILD)/deb/clinecfg-$(VERSION)/debian
	cd $(BUILD)/deb/clinecfg-$(VERSION) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	  DEB_BUILD_OPTIONS="$(strip $(DEB_BUILD_OPTIONS) noddebs)" dpkg-buildpackage -b -us -uc
	mv $(BUILD)/deb/$(DEB_FILE) ./$(DEB_FILE)
	@echo "built $(DEB_FILE)"
	if command -v lintian >/dev/null 2>&1; then lintian --pedantic --fail-on error,warning $(DEB_FILE); \
	else echo "lintian is not installed: $(DEB_FILE) not checked"; fi

rpm:
	sh packaging/version-check.sh
	rm -rf $(RPM_TOP)
	mkdir -p $(RPM_TOP)/SOURCES $(RPM_TOP)/stage/clinecfg-$(VERSION)
	cp -R $(PKG_FILES) $(RPM_TOP)/stage/clinecfg-$(VERSION)/
	tar -C $(RPM_TOP)/stage -czf $(RPM_TOP)/SOURCES/clinecfg-$(VERSION).tar.gz clinecfg-$(VERSION)
	# Debian's rpm runs brp-compress (a bash script) with /bin/sh; run it with bash.
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL rpmbuild -bb --nodeps --define "_topdir $(RPM_TOP)" \
	  --define '__brp_compress bash %{_rpmconfigdir}/brp-compress %{?_prefix}' packaging/rpm/clinecfg.spec
	mv $(RPM_TOP)/RPMS/*/clinecfg-$(VERSION)-*.rpm .
	rpmlint -r packaging/rpm/clinecfg.rpmlintrc packaging/rpm/clinecfg.spec clinecfg-$(VERSION)-*.rpm

clean:
	rm -rf build build-asan build-fuzz clinecfg *.deb *.rpm
