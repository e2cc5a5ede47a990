#!/usr/bin/python3
"""
Tessera's Kconfig front end: the configuration steps kconfiglib does not do
the way the build wants them. Every Kconfig warning is an error naming the
symbol, defconfigs and fragments are checked value by value, randconfig is
seeded, and the generated headers are rewritten only when they change.

Run by the top-level Makefile with /usr/bin/python3 (Debian's python3-kconfiglib).
Environment: srctree (source root), KCONFIG_CONFIG (the .config path),
objtree (where include/generated and include/config go).
"""
import os
import random
import re
import sys

try:
    import kconfiglib
except ImportError:
    sys.exit("kconfig: cannot import kconfiglib; install Debian's python3-kconfiglib "
             "(scripts/deps install) and run this with /usr/bin/python3")

ASSIGN_RE = re.compile(r"^(CONFIG_[A-Za-z0-9_]+)=(.*)$")
UNSET_RE = re.compile(r"^# (CONFIG_[A-Za-z0-9_]+) is not set$")


class ConfigError(Exception):
    pass


def srctree():
    return os.environ.get("srctree", ".")


def config_path():
    return os.environ.get("KCONFIG_CONFIG", ".config")


def load_kconfig():
    """Parses the Kconfig tree; a warning while parsing is an error."""
    kconf = kconfiglib.Kconfig(os.path.join(srctree(), "Kconfig"),
                               warn_to_stderr=False, suppress_traceback=True)
    kconf.warn_assign_undef = True
    # A fragment exists to override its base, so overrides are not warnings.
    kconf.warn_assign_override = False
    kconf.warn_assign_redun = False
    fail_on_warnings(kconf, "Kconfig")
    return kconf


def fail_on_warnings(kconf, what):
    if kconf.warnings:
        lines = "\n".join("  " + w for w in kconf.warnings)
        raise ConfigError("%s: Kconfig warnings are errors here:\n%s" % (what, lines))


def requested_values(path):
    """Yields (symbol name, value) for every assignment in a config file."""
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = ASSIGN_RE.match(line)
            if m:
                yield lineno, m.group(1)[len("CONFIG_"):], m.group(2)
                continue
            m = UNSET_RE.match(line)
            if m:
                yield lineno, m.group(1)[len("CONFIG_"):], "n"


def unquote(value):
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def check_values_took(kconf, paths):
    """Every assignment in a defconfig or fragment must exist and stick."""
    errors = []
    final = {}
    for path in paths:
        for lineno, name, value in requested_values(path):
            final[name] = (path, lineno, value)
    for name, (path, lineno, value) in final.items():
        sym = kconf.syms.get(name)
        if sym is None or not sym.nodes:
            errors.append("%s:%d: unknown symbol CONFIG_%s" % (path, lineno, name))
            continue
        want = unquote(value)
        if sym.orig_type in (kconfiglib.INT, kconfiglib.HEX):
            same = want.lower() == sym.str_value.lower()
        else:
            same = want == sym.str_value
        if not same:
            errors.append("%s:%d: CONFIG_%s=%s did not take (it is '%s'; "
                          "check what it depends on)" % (path, lineno, name, value,
                                                         sym.str_value))
    if errors:
        raise ConfigError("\n".join(errors))


def load_files(kconf, base, fragments):
    """Loads base (replacing everything) then merges each fragment on top."""
    if base is not None:
        kconf.load_config(base, replace=True)
    for frag in fragments:
        kconf.load_config(frag, replace=False)
    fail_on_warnings(kconf, " ".join(([base] if base else []) + list(fragments)))


def write_config(kconf):
    print("kconfig: " + kconf.write_config(config_path(), save_old=False))


def cmd_defconfig(kconf, args):
    if not args:
        raise ConfigError("defconfig: name a defconfig file")
    base, fragments = args[0], args[1:]
    for path in [base] + fragments:
        if not os.path.isfile(path):
            raise ConfigError("defconfig: no such file: %s" % path)
    load_files(kconf, base, fragments)
    check_values_took(kconf, [base] + fragments)
    write_config(kconf)


def cmd_merge(kconf, args):
    """Merges fragments onto the existing .config (make qemu_defconfig debug.config)."""
    for path in args:
        if not os.path.isfile(path):
            raise ConfigError("merge: no such fragment: %s" % path)
    load_existing(kconf)
    load_files(kconf, None, args)
    check_values_took(kconf, args)
    write_config(kconf)


def load_existing(kconf):
    if not os.path.isfile(config_path()):
        raise ConfigError("no %s; run 'make qemu_defconfig' or 'make menuconfig' first"
                          % config_path())
    # A .config may name symbols that a newer Kconfig dropped: that is
    # normal for an old .config, so only report it.
    kconf.warn_assign_undef = False
    kconf.load_config(config_path(), replace=True)
    for w in kconf.warnings:
        print("kconfig: note: " + w)
    del kconf.warnings[:]
    kconf.warn_assign_undef = True


def cmd_olddefconfig(kconf, args):
    load_existing(kconf)
    write_config(kconf)


def cmd_savedefconfig(kconf, args):
    load_existing(kconf)
    out = args[0] if args else "defconfig"
    print("kconfig: " + kconf.write_min_config(out, header=""))


def set_all(kconf, value):
    kconf.warn = False
    for sym in kconf.unique_defined_syms:
        if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE) and not sym.choice:
            sym.set_value(value)
    if value:
        for choice in kconf.unique_choices:
            choice.set_value(2)
    kconf.warn = True


def cmd_allnoconfig(kconf, args):
    set_all(kconf, 0)
    apply_allconfig(kconf)
    write_config(kconf)


def cmd_allyesconfig(kconf, args):
    # Enabling one option can make others visible, so repeat until stable.
    for _ in range(3):
        set_all(kconf, 2)
    apply_allconfig(kconf)
    write_config(kconf)


def cmd_alldefconfig(kconf, args):
    apply_allconfig(kconf)
    write_config(kconf)


def apply_allconfig(kconf):
    """KCONFIG_ALLCONFIG=file pins symbols for the all*config and randconfig."""
    pins = os.environ.get("KCONFIG_ALLCONFIG")
    if not pins:
        return
    load_files(kconf, None, [pins])
    check_values_took(kconf, [pins])


def randomise(kconf, rng):
    """One pass: every visible bool gets y or n, every choice a random member."""
    kconf.warn = False
    for sym in kconf.unique_defined_syms:
        if sym.choice or sym.orig_type not in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            continue
        if sym.visibility:
            sym.set_value(rng.choice((0, 2)))
    for choice in kconf.unique_choices:
        members = [s for s in choice.syms if s.visibility]
        if members:
            rng.choice(members).set_value(2)
    kconf.warn = True


def cmd_randconfig(kconf, args):
    seed_text = os.environ.get("KCONFIG_SEED")
    seed = int(seed_text, 0) if seed_text else random.SystemRandom().getrandbits(32)
    print("KCONFIG_SEED=0x%08x" % seed)
    rng = random.Random(seed)
    # Choices made early change what is visible later; a few passes settle it.
    for _ in range(3):
        randomise(kconf, rng)
    apply_allconfig(kconf)
    write_config(kconf)


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return False
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
    return True


def asm_defines(kconf):
    """The same options as autoconf.h, spelled for NASM's preprocessor."""
    lines = ["; Generated from .config by scripts/kconfig/kconfig.py. Do not edit.\n"]
    for sym in kconf.unique_defined_syms:
        val = sym.str_value
        if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            if val == "y":
                lines.append("%%define CONFIG_%s 1\n" % sym.name)
        elif sym.orig_type in (kconfiglib.INT, kconfiglib.HEX) and val:
            lines.append("%%define CONFIG_%s %s\n" % (sym.name, val))
    return "".join(lines)


def cmd_syncconfig(kconf, args):
    """Brings .config up to date and regenerates the files the build reads."""
    objtree = os.environ.get("objtree", ".")
    if not os.path.isfile(config_path()):
        default = os.path.join(srctree(), "configs", "qemu_defconfig")
        print("kconfig: no .config: using configs/qemu_defconfig "
              "(change it with 'make menuconfig')")
        cmd_defconfig(kconf, [default])
    else:
        load_existing(kconf)
        msg = kconf.write_config(config_path(), save_old=False)
        if not msg.startswith("No change"):
            print("kconfig: .config was out of date with Kconfig; updated it")
    gen = os.path.join(objtree, "include", "generated")
    os.makedirs(gen, exist_ok=True)
    kconf.write_autoconf(os.path.join(gen, "autoconf.h"))
    write_if_changed(os.path.join(gen, "autoconf.asm"), asm_defines(kconf))
    # auto.conf is make's view of the config; it is rewritten every time so
    # its timestamp tells make the sync happened.
    auto = os.path.join(objtree, "include", "config", "auto.conf")
    os.makedirs(os.path.dirname(auto), exist_ok=True)
    kconf.write_config(auto, header="# Generated from .config. Do not edit.\n",
                       save_old=False)
    os.utime(auto)


COMMANDS = {
    "defconfig": cmd_defconfig,
    "merge": cmd_merge,
    "olddefconfig": cmd_olddefconfig,
    "savedefconfig": cmd_savedefconfig,
    "allnoconfig": cmd_allnoconfig,
    "allyesconfig": cmd_allyesconfig,
    "alldefconfig": cmd_alldefconfig,
    "randconfig": cmd_randconfig,
    "syncconfig": cmd_syncconfig,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        sys.exit("usage: kconfig.py {%s} [args]" % ",".join(sorted(COMMANDS)))
    try:
        kconf = load_kconfig()
        COMMANDS[argv[1]](kconf, argv[2:])
    except (ConfigError, kconfiglib.KconfigError) as e:
        sys.stderr.write("kconfig: error: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
