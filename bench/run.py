#!/usr/bin/python3
"""
make bench: builds qemu_defconfig with the in-kernel benchmarks, boots it
with `ktest=bench sched_bench`, and prints every JSON line the guest emits
(cycles are guest rdtsc under TCG: compare ratios from one run only), the
host allocator benchmarks (bench/host), then ubench (bench/user) run at the
shell of qemu_defconfig: boot to the prompt, system calls, switches, pipes,
fork, exec and page faults.

--user (make bench-user): ubench on Tessera and on Linux, side by side
(BENCH_RUNS=N boots each N times and shows the median run and the range;
BENCH_ICOUNT=1 counts guest instructions; BENCH_DISK=1 adds ext2 and FAT);
--min-mem: the smallest -m each defconfig boots with (bench/userbench.py).
"""
import json
import os
import re
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(os.environ.get("objtree", REPO), "build", "bench")
QEMU = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64", "-m", "128",
        "-display", "none", "-serial", "stdio", "-no-reboot",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
STAMP = re.compile(r"^\[\s*(\d+)\.(\d+)\] (.*)$")


def make(*args):
    cmd = ["make", "-s", "-C", REPO, "O=" + OUT, "KCONFIG_CONFIG=" + OUT + "/.config"]
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    subprocess.run(cmd + list(args), check=True, env=env, stdout=subprocess.DEVNULL)


def boot_lines():
    start = time.monotonic()
    proc = subprocess.run(QEMU + ["-cdrom", os.path.join(OUT, "tessera.iso")],
                          capture_output=True, text=True, errors="replace", timeout=600)
    wall = time.monotonic() - start
    return proc.stdout.splitlines(), wall


def main():
    os.makedirs(OUT, exist_ok=True)
    if "--user" in sys.argv[1:] or "--min-mem" in sys.argv[1:]:
        # The user-space benchmarks against Linux (make bench-user) and the
        # smallest -m per defconfig (bench/run.py --min-mem): bench/userbench.py.
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import userbench
        if "--min-mem" in sys.argv[1:]:
            return userbench.min_mem_main(OUT)
        runs = int(os.environ.get("BENCH_RUNS", "1"))
        return userbench.main(OUT, runs=runs, disk=os.environ.get("BENCH_DISK", "0") != "0")
    make("qemu_defconfig", "ktest.config")
    make("-j2", "iso", "CMDLINE=ktest=bench sched_bench")
    lines, wall = boot_lines()
    for line in lines:
        text = STAMP.sub(r"\3", line.strip())
        if text.startswith("{") and '"bench"' in text:
            print(text)
    print(json.dumps({"bench": "qemu_wall_time", "seconds": round(wall, 3),
                      "note": "QEMU start to power-off, including GRUB"}))
    host = subprocess.run(["make", "-s", "-C", os.path.join(REPO, "bench", "host"),
                           "OUT=" + os.path.join(OUT, "host"), "run"],
                          capture_output=True, text=True)
    sys.stdout.write(host.stdout)
    if host.returncode != 0:
        sys.stderr.write(host.stderr)
        return host.returncode
    return user_bench_tessera()


def user_bench_tessera():
    """ubench (bench/user) at the shell of qemu_defconfig, Tessera only:
    the boot-to-prompt time and the system-call, switch, fork and page-fault
    figures. make bench-user adds Linux beside it."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import userbench
    ubin = userbench.build_ubench(os.path.join(OUT, "user"))
    iso = userbench.build_tessera(os.path.join(OUT, "user-tessera"), extra=ubin)
    boot, results = userbench.tessera(iso, userbench.ubench_args(False, False))
    for r in [boot] + results:
        print(json.dumps(dict(r, kernel="tessera")), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
