"""
Builds kernel configurations for the tests, each into its own O= folder
under build/test/<name> (kept between runs, so a rebuild is incremental),
and reads back what a build produced: ISO, System.map, .config, make output.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD_ROOT = Path(os.environ.get("TESSERA_TEST_BUILD", REPO / "build" / "test"))
PYTHON = "/usr/bin/python3"
JOBS = os.environ.get("TESSERA_TEST_JOBS", "2")
MAKE_TIMEOUT = 900
DEFCONFIGS = sorted(p.name for p in (REPO / "configs").glob("*_defconfig"))


class BuildError(AssertionError):
    pass


def make(odir, *goals, env=None, check=True, timeout=MAKE_TIMEOUT, config=None, tree=None):
    """make -C tree O=odir KCONFIG_CONFIG=config goals...; returns (status, output).

    tree is the source tree (REPO unless a test works on a copy).
    """
    odir = Path(odir)
    config = Path(config) if config else odir / ".config"
    cmd = ["make", "-C", str(tree or REPO), "O=%s" % odir,
           "KCONFIG_CONFIG=%s" % config] + list(goals)
    full_env = clean_env(env)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env=full_env, timeout=timeout, text=True, errors="replace")
    if check and proc.returncode != 0:
        raise BuildError("%s failed (status %d):\n%s"
                         % (" ".join(cmd), proc.returncode, _tail(proc.stdout)))
    return proc.returncode, proc.stdout


def clean_env(extra=None):
    """os.environ without what would change a build behind the test's back:
    values left by the user, and the flags of a make that runs us (make check)."""
    env = dict(os.environ)
    for var in ("KCONFIG_SEED", "KCONFIG_ALLCONFIG", "KCFLAGS", "CMDLINE", "V", "O",
                "KCONFIG_CONFIG", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(var, None)
    env.update(extra or {})
    return env


def _tail(text, lines=60):
    return "\n".join(text.splitlines()[-lines:])


def kconfig(odir, config, *args, env=None):
    """scripts/kconfig/kconfig.py run the way the Makefile runs it."""
    full_env = clean_env(dict(srctree=str(REPO), objtree=str(odir),
                              KCONFIG_CONFIG=str(config), **(env or {})))
    proc = subprocess.run([PYTHON, str(REPO / "scripts/kconfig/kconfig.py")] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=full_env, cwd=str(odir))
    if proc.returncode != 0:
        raise BuildError("kconfig.py %s failed:\n%s" % (" ".join(args), proc.stdout))
    return proc.stdout


class Build:
    """One configured and built O= folder."""

    def __init__(self, name, odir, output=""):
        self.name = name
        self.odir = Path(odir)
        self.output = output  # make's output for the config step and the build
        self._symbols = None

    @property
    def config(self):
        return self.odir / ".config"

    @property
    def iso(self):
        """The ISO as configured (kept aside: iso_with_cmdline remakes tessera.iso)."""
        return self.odir / "tessera-config.iso"

    @property
    def elf(self):
        return self.odir / "tessera.elf"

    @property
    def system_map(self):
        return self.odir / "System.map"

    def config_values(self):
        """{"SERIAL_8250": "y", "BUILD_NAME": "qemu", "KTEST": "n", ...}"""
        return parse_config(self.config.read_text())

    def enabled(self, name):
        return self.config_values().get(name) == "y"

    def symbols(self):
        """[(address, type letter, name)] from System.map, sorted by address."""
        if self._symbols is None:
            self._symbols = parse_system_map(self.system_map.read_text())
        return self._symbols

    def symbol_address(self, name):
        for addr, _, sym in self.symbols():
            if sym == name:
                return addr
        raise BuildError("no %s in %s" % (name, self.system_map))

    def has_symbol(self, name):
        return any(sym == name for _, _, sym in self.symbols())

    def symbol_range(self, name):
        """[start, end) of a symbol: its address to the next higher address."""
        syms = self.symbols()
        for i, (addr, _, sym) in enumerate(syms):
            if sym == name:
                for nxt, _, _ in syms[i + 1:]:
                    if nxt > addr:
                        return addr, nxt
                raise BuildError("%s is the last symbol in System.map" % name)
        raise BuildError("no %s in %s" % (name, self.system_map))

    def symbol_at(self, addr):
        """Name of the text symbol containing addr, or None."""
        best = None
        for a, kind, sym in self.symbols():
            if a > addr:
                break
            if kind in "tTwW":
                best = sym
        return best

    def iso_with_cmdline(self, cmdline, tag):
        """An ISO of this build whose GRUB entry passes cmdline (kept as tessera-<tag>.iso).

        Builds 'all' too, and remakes the configured ISO, so that System.map,
        compile.h and every ISO agree even if the sources (or the commit in
        the banner) changed since the first build of the session.
        """
        dest = self.odir / ("tessera-%s.iso" % tag)
        for iso, extra in ((dest, ["CMDLINE=%s" % cmdline]), (self.iso, [])):
            _, out = make(self.odir, "-j%s" % JOBS, "all", "iso", "KCFLAGS=-Werror", *extra)
            self.output += out
            shutil.copyfile(self.odir / "tessera.iso", iso)
        self._symbols = None
        return dest


def parse_config(text):
    values = {}
    for line in text.splitlines():
        m = re.match(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$", line)
        if m:
            v = m.group(2)
            values[m.group(1)] = v[1:-1] if v.startswith('"') and v.endswith('"') else v
            continue
        m = re.match(r"^# CONFIG_([A-Za-z0-9_]+) is not set$", line)
        if m:
            values[m.group(1)] = "n"
    return values


def parse_system_map(text):
    syms = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms.append((int(parts[0], 16), parts[1], parts[2]))
    syms.sort(key=lambda s: s[0])
    return syms


def configure(name, *, defconfig=None, target=None, fragment=(), seed=None, odir=None):
    """Writes <odir>/.config for a configuration; returns (odir, make output).

    The configuration is made in a scratch file and copied over .config only
    when it differs, so an unchanged configuration rebuilds nothing.
    """
    if (defconfig is None) == (target is None):
        raise ValueError("give exactly one of defconfig= and target=")
    odir = Path(odir) if odir else BUILD_ROOT / name
    odir.mkdir(parents=True, exist_ok=True)
    scratch = odir / ".config.want"
    env = {"KCONFIG_SEED": str(seed)} if seed is not None else {}
    _, out = make(odir, defconfig or target, env=env, config=scratch)
    if fragment:
        frag = odir / "fragment.config"
        frag.write_text("".join(line + "\n" for line in fragment))
        out += kconfig(odir, scratch, "merge", str(frag))
    config = odir / ".config"
    if not config.is_file() or config.read_text() != scratch.read_text():
        shutil.copyfile(scratch, config)
    scratch.unlink()
    return odir, out


def build(name, *, defconfig=None, target=None, fragment=(), seed=None, odir=None,
          goals=("all", "iso")):
    """Configures and builds with -Werror; returns a Build. Raises BuildError."""
    odir, out = configure(name, defconfig=defconfig, target=target, fragment=fragment,
                          seed=seed, odir=odir)
    _, out2 = make(odir, "-j%s" % JOBS, *goals, "KCFLAGS=-Werror")
    b = Build(name, odir, out + out2)
    for f in (b.config, b.elf, b.system_map, odir / "tessera.iso"):
        if not f.is_file():
            raise BuildError("%s: build left no %s" % (name, f))
    shutil.copyfile(odir / "tessera.iso", b.iso)
    return b
