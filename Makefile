# Tessera's top-level Makefile: configuration targets, the Kbuild-style
# descent into every folder, the two-pass kernel link, the ISO, and the
# run/test/measure targets. `make help` lists everything.

KERNELVERSION := 0.1.0

MAKEFLAGS += -rR --no-print-directory
.SUFFIXES:
.DEFAULT_GOAL := all

srctree := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
ifeq ($(O),)
objtree := $(srctree)
else
objtree := $(abspath $(O))
$(shell mkdir -p $(objtree))
endif
KCONFIG_CONFIG ?= $(objtree)/.config
override KCONFIG_CONFIG := $(abspath $(KCONFIG_CONFIG))

# Debian installs kconfiglib for /usr/bin/python3 only; the python3 first
# on PATH may be another interpreter that cannot import it.
PYTHON := /usr/bin/python3
KCONFIG := $(PYTHON) $(srctree)/scripts/kconfig/kconfig.py

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

CROSS_COMPILE ?=
CC      := $(if $(filter default,$(origin CC)),$(CROSS_COMPILE)gcc,$(CC))
LD      := $(if $(filter default,$(origin LD)),$(CROSS_COMPILE)ld,$(LD))
AR      := $(CROSS_COMPILE)ar
NM      := $(CROSS_COMPILE)nm
OBJCOPY := $(CROSS_COMPILE)objcopy
SIZE    := $(CROSS_COMPILE)size
NASM    ?= nasm
HOSTCC  ?= gcc
QEMU    ?= qemu-system-x86_64

export srctree objtree KCONFIG_CONFIG KERNELVERSION Q V CC LD AR NM NASM HOSTCC PYTHON
# Config values must not leak into sub-makes' environments.
unexport $(filter CONFIG_%,$(.VARIABLES))

config-targets := config menuconfig guiconfig oldconfig olddefconfig defconfig \
	savedefconfig allnoconfig allyesconfig alldefconfig randconfig listnewconfig
no-config-targets := help clean mrproper distclean kernelversion deps check \
	unit-test check-configs bench bench-user disk
config-goals := $(filter $(config-targets) %_defconfig %.config,$(MAKECMDGOALS))
other-goals := $(filter-out $(config-goals),$(MAKECMDGOALS))

# `make qemu_defconfig debug.config all` runs its goals one after another.
ifneq ($(config-goals),)
ifneq ($(other-goals),)
one-by-one := 1
endif
endif

ifeq ($(one-by-one),1)
$(MAKECMDGOALS): one-by-one
	@:
.PHONY: one-by-one
one-by-one:
	$(Q)set -e; for g in $(MAKECMDGOALS); do $(MAKE) -f $(srctree)/Makefile $$g; done
else

# `make run` and `make check` install what is missing before anything else
# (kconfiglib is needed just to read the configuration).
ifneq ($(filter run check,$(MAKECMDGOALS)),)
deps-status := $(shell $(srctree)/scripts/deps ensure >&2; echo $$?)
ifneq ($(deps-status),0)
$(error scripts/deps could not install the packages above)
endif
endif

include $(srctree)/scripts/Makefile.config

# Any goal that is neither a config target nor config-free needs .config.
build-goals := $(filter-out $(config-goals) $(no-config-targets),$(MAKECMDGOALS))
ifneq ($(build-goals)$(if $(MAKECMDGOALS),,all),)
need-config := 1
endif

ifeq ($(need-config),1)
include $(srctree)/scripts/Makefile.kernel
endif

include $(srctree)/scripts/Makefile.targets

endif # one-by-one
