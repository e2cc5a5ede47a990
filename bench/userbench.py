"""
User-space benchmarks for `make bench-user` (bench/run.py --user): the same
static ubench binary on Tessera (typed at the shell over serial) and on
Debian's Linux kernel (as /init, bench/linux.py), both under one QEMU command
line (TCG, -cpu qemu64, -m 256), then a side-by-side table. Also the
kernel-entry-to-prompt time and (--min-mem) the smallest -m that reaches the
prompt for each defconfig.
"""
import json
import os
import re
import shutil
import subprocess
import time

import pexpect

import linux

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEMORY = 256
QEMU_COMMON = ["-accel", "tcg", "-cpu", "qemu64", "-display", "none",
               "-serial", "stdio", "-no-reboot"]
EXIT_DEVICE = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
PROMPT = "# "
INIT_LINE = "init: boot complete; starting /sbin/init"
STAMP = re.compile(r"\[\s*(\d+)\.(\d+)\] ")
TSC_LINE = re.compile(r"tsc: ([\d.]+) MHz")
BENCH_TIMEOUT = 1800
# BENCH_ICOUNT=1: the guest clock (and rdtsc) counts executed instructions,
# 1 ns each, instead of following the host's clock: figures become guest
# instruction counts, close from run to run whatever else the host is doing.
ICOUNT = ["-icount", "shift=0,sleep=off"]


# BENCH_DISK=1: a scripts/mkdisk image (ext2 + FAT) on virtio-blk for both
# kernels, a fresh copy per boot; the fs benchmarks run on /tmp and on both.
DISK_FRAGMENT = ["CONFIG_PCI=y", "CONFIG_BLOCK=y", "CONFIG_BLK_VIRTIO=y", "CONFIG_BLK_CACHE=y",
                 "CONFIG_FS_EXT2=y", "CONFIG_FS_FAT=y"]
DISK_MOUNTS = [("/dev/vda1", "/mnt/ext2", "ext2"), ("/dev/vda2", "/mnt/fat", "vfat")]
DISK_MIB = 64


def _on(var):
    return os.environ.get(var, "0") not in ("", "0")


def extra_qemu_args():
    return ICOUNT if _on("BENCH_ICOUNT") else []


def disk_args(image):
    """QEMU arguments for a fresh copy of image (None: no disk)."""
    if not image:
        return []
    copy = image + ".run"
    shutil.copyfile(image, copy)
    return ["-boot", "d", "-drive", "file=%s,if=none,id=d0,format=raw" % copy,
            "-device", "virtio-blk-pci,drive=d0"]


def ubench_args(disk, linux_guest):
    """ubench's command line: /tmp always, the disk's two filesystems with disk."""
    args, dirs = [], ["/tmp"]
    if disk:
        if linux_guest:
            args += ["--insmod", "/lib/modules.list", "--mount", "devtmpfs", "/dev", "devtmpfs"]
        for dev, mnt, fstype in DISK_MOUNTS:
            args += ["--mount", dev, mnt, fstype]
            dirs.append(mnt)
    for d in dirs:
        args += ["--fs", d]
    return args


def make(odir, *args):
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "O", "KCONFIG_CONFIG", "CMDLINE")}
    subprocess.run(["make", "-s", "-C", REPO, "O=" + odir, "KCONFIG_CONFIG=" + odir + "/.config"]
                   + list(args), check=True, env=env, stdout=subprocess.DEVNULL)


def build_ubench(out):
    subprocess.run(["make", "-s", "-C", os.path.join(REPO, "bench", "user"), "OUT=" + out],
                   check=True, stdout=subprocess.DEVNULL)
    return os.path.join(out, "bin")


def build_tessera(odir, defconfig="qemu_defconfig", fragments=("userspace.config",), extra=None,
                  options=()):
    """options: CONFIG_X=y lines merged after the fragments."""
    os.makedirs(odir, exist_ok=True)
    make(odir, defconfig, *fragments)
    if options:
        frag = os.path.join(odir, "bench.fragment")
        with open(frag, "w") as f:
            f.write("".join(o + "\n" for o in options))
        env = dict(os.environ, srctree=REPO, objtree=odir,
                   KCONFIG_CONFIG=os.path.join(odir, ".config"))
        subprocess.run(["/usr/bin/python3", os.path.join(REPO, "scripts/kconfig/kconfig.py"),
                        "merge", frag], check=True, env=env, cwd=odir, stdout=subprocess.DEVNULL)
    make(odir, "-j2", "iso", "CMDLINE=", *(["USR_EXTRA=" + extra] if extra else []))
    return os.path.join(odir, "tessera.iso")


class Arrivals:
    """pexpect logfile that remembers when (host clock) each byte arrived."""

    def __init__(self):
        self.text = ""
        self.times = []         # (offset into text, time.monotonic())

    def write(self, data):
        self.times.append((len(self.text), time.monotonic()))
        self.text += data

    def flush(self):
        pass

    def time_of(self, offset):
        """Arrival time of the chunk that holds text[offset]."""
        best = None
        for off, t in self.times:
            if off > offset:
                break
            best = t
        return best


def spawn_tessera(iso, memory=MEMORY, timeout=60, extra=()):
    child = pexpect.spawn("qemu-system-x86_64", QEMU_COMMON + EXIT_DEVICE +
                          ["-m", str(memory), "-cdrom", iso] + extra_qemu_args() + list(extra),
                          encoding="utf-8", codec_errors="replace", timeout=timeout)
    child.logfile_read = Arrivals()
    return child


def boot_to_prompt(child, timeout=60):
    """Waits for the shell prompt; returns the boot-time figures.

    The kernel stamps its lines with guest TSC seconds since kernel entry;
    the prompt (user space) has no stamp, so its time is the init line's
    stamp plus the host time between the two lines arriving on the serial.
    """
    start = time.monotonic()
    child.expect_exact(INIT_LINE, timeout=timeout)
    child.expect(r"\n" + re.escape(PROMPT), timeout=timeout)   # the line then its prompt
    log = child.logfile_read
    text = log.text.replace("\r", "")
    init_at = log.text.find(INIT_LINE)
    line_start = log.text.rfind("\n", 0, init_at) + 1
    m = STAMP.search(log.text, line_start, init_at)
    tsc = TSC_LINE.search(text)
    if not m or not tsc:
        return {"bench": "boot_to_prompt", "error": "no timestamps (CONFIG_PRINTK_TIME=n?)"}
    init_s = int(m.group(1)) + int(m.group(2)) / 1e6
    prompt_at = log.text.rfind(PROMPT)
    prompt_s = init_s + (log.time_of(prompt_at) - log.time_of(init_at))
    mhz = float(tsc.group(1))
    return {"bench": "boot_to_prompt", "init_ms": round(init_s * 1e3, 1),
            "prompt_ms": round(prompt_s * 1e3, 1),
            "prompt_cycles": int(prompt_s * mhz * 1e6), "tsc_mhz": mhz,
            "qemu_start_to_prompt_ms": round((log.time_of(prompt_at) - start) * 1e3, 1)}


def run_command(child, cmd, timeout=BENCH_TIMEOUT):
    """Types cmd at the shell; returns the lines it printed."""
    child.send(cmd + "\r")
    child.expect_exact(cmd, timeout=30)
    child.expect(r"\n" + re.escape(PROMPT), timeout=timeout)
    return child.before.replace("\r", "").splitlines()


def json_lines(lines):
    out = []
    for line in lines:
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def tessera(iso, args, extra=()):
    child = spawn_tessera(iso, extra=extra)
    try:
        boot = boot_to_prompt(child)
        if extra_qemu_args():
            # Host arrival times say nothing about an instruction-counted clock.
            boot = {k: v for k, v in boot.items() if k in ("bench", "init_ms", "tsc_mhz")}
        results = json_lines(run_command(child, " ".join(["ubench"] + args)))
    finally:
        child.terminate(force=True)
    return boot, results


# --- the table ---------------------------------------------------------------

def figure(r):
    """(value, unit, lower_is_better) of one ubench result."""
    if "cycles_per_op" in r:
        return r["cycles_per_op"], "cycles/" + r.get("unit", "op"), True
    if "mb_per_s" in r:
        return r["mb_per_s"], "MB/s", False
    if "files_per_s" in r:
        return r["files_per_s"], "files/s", False
    return None, None, None


def key(r):
    """A benchmark's name; the fs ones run once per --fs folder."""
    return r["bench"] + (" (%s)" % r["dir"] if "dir" in r else "")


def merge(runs):
    """One result per benchmark from several runs: the run with the median figure."""
    by_name = {}
    for results in runs:
        for r in results:
            by_name.setdefault(key(r), []).append(r)
    merged = []
    for name, rs in by_name.items():
        if figure(rs[0])[0] is not None:
            rs = sorted(rs, key=lambda r: figure(r)[0])
        merged.append(dict(rs[len(rs) // 2], runs=len(rs)))
    return merged


def ratio(t, l):
    value, _, lower = figure(t)
    other = figure(l)[0]
    if not value or not other:
        return 0.0
    return other / value if lower else value / other


def table(tess_runs, lin_runs):
    """Markdown table of the median run of each; ratio > 1 means Tessera is faster."""
    tess, lin = merge(tess_runs), {key(r): r for r in merge(lin_runs)}
    many = len(tess_runs) > 1 and len(tess_runs) == len(lin_runs)
    rows = ["| benchmark | unit | Tessera | Linux 6.1 | Linux/Tessera time |"
            + (" range |" if many else ""),
            "|---|---|---:|---:|---:|" + ("---|" if many else "")]
    for r in tess:
        value, unit, _ = figure(r)
        other = lin.get(key(r))
        if value is None or other is None:
            continue
        row = "| %s | %s | %s | %s | %s |" % (key(r), unit, fmt(value),
                                              fmt(figure(other)[0]), fmt_ratio(ratio(r, other)))
        if many:
            ratios = sorted(ratio(t, l) for t, l in zip(_pick(tess_runs, key(r)),
                                                        _pick(lin_runs, key(r))))
            row += " %s-%s |" % (fmt_ratio(ratios[0]), fmt_ratio(ratios[-1]))
        rows.append(row)
    return "\n".join(rows)


def _pick(runs, name):
    return [next(r for r in results if key(r) == name) for results in runs]


def fmt_ratio(v):
    return "%.2f" % v if v >= 0.1 else "%.2g" % v


def fmt(v):
    return "%.0f" % v if v >= 100 else "%.1f" % v


def main(out, runs=1, disk=False):
    """Boots each kernel `runs` times (TCG on a busy host is noisy)."""
    ubin = build_ubench(os.path.join(out, "user"))
    iso = build_tessera(os.path.join(out, "user-tessera"), extra=ubin,
                        options=DISK_FRAGMENT if disk else ())
    image = None
    if disk:
        image = os.path.join(out, "user-disk.img")
        subprocess.run([os.path.join(REPO, "scripts", "mkdisk"), image, str(DISK_MIB)],
                       check=True, stdout=subprocess.DEVNULL)
    kos = linux.modules() if disk else ()
    boots, tess_runs, lin_runs = [], [], []
    for _ in range(runs):
        boot, tess = tessera(iso, ubench_args(disk, False), disk_args(image))
        lin = json_lines(linux.run(os.path.join(ubin, "ubench"), ubench_args(disk, True),
                                   workdir=os.path.join(out, "user-linux"),
                                   extra=extra_qemu_args() + disk_args(image), kos=kos))
        boot["host_loadavg"] = round(os.getloadavg()[0], 1)   # TCG slows with the host
        boots.append(boot)
        tess_runs.append(tess)
        lin_runs.append(lin)
        for r in [boot] + tess:
            print(json.dumps(dict(r, kernel="tessera")), flush=True)
        for r in lin:
            print(json.dumps(dict(r, kernel="linux")), flush=True)
    print()
    print(table(tess_runs, lin_runs))
    print()
    print("Linux/Tessera time: >1 means Tessera is faster (for cycles: Linux cycles /"
          " Tessera cycles; for rates: Tessera rate / Linux rate).")
    for lin in lin_runs:
        for r in lin:
            if r["bench"] == "tsc":
                print("Linux kernel start to /init: %.0f ms (CLOCK_MONOTONIC at ubench start)"
                      % r["uptime_ms"])
    for boot in boots:
        if "prompt_ms" not in boot and "init_ms" in boot:
            print("Tessera kernel entry to init: %.0f ms (guest clock)" % boot["init_ms"])
        if "prompt_ms" in boot:
            print("Tessera kernel entry to init: %.0f ms, to the shell prompt: %.0f ms"
                  " (%d TSC cycles); host load average %.1f"
                  % (boot["init_ms"], boot["prompt_ms"], boot["prompt_cycles"],
                     boot["host_loadavg"]))
    return 0


# --- smallest -m ---------------------------------------------------------------

def reaches(iso, memory, user, timeout=40):
    """Does this ISO get to the prompt (user) or 'boot complete' with -m memory?"""
    child = spawn_tessera(iso, memory, timeout)
    try:
        if user:
            child.expect_exact(INIT_LINE)
            child.expect(r"\n" + re.escape(PROMPT))
        else:
            child.expect(r"boot complete")
        return True
    except (pexpect.TIMEOUT, pexpect.EOF):
        return False
    finally:
        child.terminate(force=True)


def min_mem(iso, user, hi=128):
    """Smallest -m in MiB that boots, by bisection (booting is monotonic in -m)."""
    if not reaches(iso, hi, user):
        return None
    lo = 1                          # assumed not to boot (GRUB alone needs more)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if reaches(iso, mid, user):
            hi = mid
        else:
            lo = mid
    return hi


def min_mem_main(out, defconfigs=("qemu", "pc", "tiny", "debug")):
    for name in defconfigs:
        for user in (False, True):
            frags = ("userspace.config",) if user else ()
            # Some defconfigs build user space by default: the plain row is without it.
            options = () if user else ("CONFIG_USER_SPACE=n",)
            odir = os.path.join(out, "minmem-%s%s" % (name, "-user" if user else ""))
            try:
                iso = build_tessera(odir, name + "_defconfig", frags, options=options)
            except subprocess.CalledProcessError:
                print(json.dumps({"bench": "min_mem", "config": name, "user": user,
                                  "error": "build failed"}), flush=True)
                continue
            print(json.dumps({"bench": "min_mem", "config": name, "user": user,
                              "mib": min_mem(iso, user)}), flush=True)
    return 0
