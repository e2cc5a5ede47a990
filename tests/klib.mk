# The kernel's lib/ functions whose names glibc also defines. Host builds
# (tests/unit, tests/conformance, bench/host) compile kernel sources with
# KLIB_CFLAGS, so each comes out as klib_<name> and links next to glibc's.
# Include after OUT and srctree are set; this file adds no default goal.
klib_saved_goal := $(.DEFAULT_GOAL)

KLIB_SYMS := memcpy memmove memset memcmp strlen strnlen strcmp strncmp \
             strchr strrchr strscpy format_core vsnprintf snprintf
KLIB_CFLAGS := $(foreach s,$(KLIB_SYMS),-D$(s)=klib_$(s))

# lib/ itself under those names, for suites that link it whole.
KLIB_OBJS := $(OUT)/klib/lib/string.o $(OUT)/klib/lib/format.o

$(OUT)/klib/%.o: $(srctree)/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS) $(KLIB_CFLAGS) -c $< -o $@

# tests/unit/klib.h renames the lib/ headers' declarations the same way: it
# includes this generated list of #defines (and, with KLIB_UNDEF, #undefs).
KLIB_INCLUDE := $(OUT)/klib/include
KLIB_NAMES_H := $(KLIB_INCLUDE)/klib_names.h

$(KLIB_NAMES_H): $(srctree)/tests/klib.mk
	@mkdir -p $(dir $@)
	@{ echo '/* Generated from tests/klib.mk. */'; echo '#ifndef KLIB_UNDEF'; \
	   $(foreach s,$(KLIB_SYMS),echo '#define $(s) klib_$(s)';) \
	   echo '#else'; \
	   $(foreach s,$(KLIB_SYMS),echo '#undef $(s)';) \
	   echo '#endif'; } > $@

.DEFAULT_GOAL := $(klib_saved_goal)
