"""
procfs (CONFIG_FS_PROC) and the tools that read it: over the serial shell,
/proc/config is byte-identical to the build's .config; ps, free, dmesg and
lspci print what the kernel has; meminfo, uptime, interrupts, mounts,
self/maps and the pid directories look like Linux's and change as they
should; nothing in /proc can be written. The same static ps, free, lspci
and dmesg binaries then run on this Linux host against its real /proc.
"""
import os
import re
import subprocess
import time

import pytest

from boot import build as kbuild
from boot import shell as kshell

FRAGMENT = ["CONFIG_PROCESSES=y", "CONFIG_USER_SPACE=y", "CONFIG_FS_PROC=y",
            "CONFIG_FS_PROC_CONFIG=y", "CONFIG_PCI=y"]


@pytest.fixture(scope="module")
def procfs_kernel():
    try:
        return kbuild.build("procfs", defconfig="qemu_defconfig", fragment=FRAGMENT)
    except kbuild.BuildError as e:
        pytest.fail("building the procfs kernel failed:\n%s" % e, pytrace=False)


@pytest.fixture
def sh(procfs_kernel, boot):
    return kshell.shell(boot, procfs_kernel.iso)


END = "=END="


def run(q, line, timeout=kshell.TIMEOUT):
    """Types line on the serial port; returns its output (\\r removed).

    The output ends at a marker echoed after it, not at the next "# ": a
    .config is full of lines that start like the prompt.
    """
    typed = line + "; echo " + END
    q.child.send(typed + "\r")
    q.child.expect_exact(typed, timeout=timeout)              # the echo
    q.child.expect_exact("\n" + END, timeout=timeout)
    out = q.child.before.replace("\r", "")
    q.child.expect_exact(kshell.PROMPT, timeout=timeout)
    return out[1:] if out.startswith("\n") else out


def test_config_is_the_build_config(procfs_kernel, sh):
    want = procfs_kernel.config.read_text()
    got = run(sh, "cat /proc/config")
    assert got + "\n" == want


def test_ps_lists_init_and_shell(sh):
    lines = run(sh, "ps").splitlines()
    assert lines[0].split() == ["PID", "PPID", "STAT", "CMD"]
    rows = [line.split(None, 3) for line in lines[1:]]
    assert ["1", "0", "S", "/sbin/init"] in rows
    shells = [r for r in rows if r[1] == "1" and r[3].endswith("sh")]
    assert shells, lines
    assert [r for r in rows if r[1] == shells[0][0] and r[3] == "ps" and r[2] == "R"]


def test_free_and_meminfo(sh):
    info = dict(re.findall(r"^(\w+):\s+(\d+) kB$", run(sh, "cat /proc/meminfo"), re.M))
    total, free = int(info["MemTotal"]), int(info["MemFree"])
    assert 100 * 1024 < total <= 128 * 1024        # -m 128 less the reserved pages
    assert 0 < free < total and int(info["MemAvailable"]) >= free
    out = run(sh, "free").splitlines()
    assert out[0].split() == ["total", "used", "free", "shared", "buff/cache", "available"]
    mem = out[1].split()
    assert mem[0] == "Mem:" and int(mem[1]) == total
    assert int(mem[2]) + int(mem[3]) + int(mem[5]) <= total
    assert abs(int(mem[3]) - free) < 1024          # a few pages moved between the reads
    assert run(sh, "free -m").splitlines()[1].split()[1] == str(total // 1024)


def test_dmesg_has_the_boot_banner(sh):
    out = run(sh, "dmesg")
    assert re.search(r"^\[\s*\d+\.\d{6}\] Tessera \S+ \(\S+\) x86_64 ", out, re.M)
    assert "init: boot complete" in out and "<6>" not in out
    assert re.search(r"^<5>\[", run(sh, "dmesg -r | head -1"), re.M)


def test_uptime_increases(sh):
    first = run(sh, "cat /proc/uptime")
    assert re.fullmatch(r"\d+\.\d\d \d+\.\d\d", first)
    time.sleep(1.5)
    second = run(sh, "cat /proc/uptime")
    assert float(second.split()[0]) > float(first.split()[0]) + 0.5
    assert float(second.split()[1]) <= float(second.split()[0])


def timer_count(text):
    m = re.search(r"^\s*\d+:\s+(\d+)\s+.*(timer|pit_irq)", text, re.M)
    assert m, text
    return int(m.group(1))


def test_interrupts_timer_counts(sh):
    first = run(sh, "cat /proc/interrupts")
    assert first.splitlines()[0].split() == ["CPU0"]
    assert re.search(r"serial_rx_irq", first)
    time.sleep(0.5)
    assert timer_count(run(sh, "cat /proc/interrupts")) > timer_count(first)


def test_lspci_lists_host_bridge(sh):
    out = run(sh, "lspci").splitlines()
    assert re.fullmatch(r"00:00\.0 0600: 8086:(1237|29c0) Host bridge", out[0])
    assert any(re.fullmatch(r"00:\w\w\.\d 0200: 8086:100e Ethernet controller", l) for l in out)
    devices = run(sh, "cat /proc/bus/pci/devices").splitlines()
    assert len(devices) == len(out)
    assert devices[0].split("\t")[:2] in (["0000", "80861237"], ["0000", "808629c0"])
    assert run(sh, "ls /proc/bus/pci/00").split()[0] == "00.0"


def test_self_maps_and_pid_files(sh):
    maps = run(sh, "cat /proc/self/maps").splitlines()
    line = r"[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-][ps] [0-9a-f]{8} \w\w:\w\w \d+"
    assert all(re.match(line, l) for l in maps), maps
    exe = [l for l in maps if l.endswith(" /bin/cat")]
    assert any(" r-xp " in l for l in exe) and any(" rw-p " in l for l in exe), maps
    assert maps[-1].endswith(" [stack]")
    assert len(exe[0]) == 73 + len("/bin/cat")     # the name starts at Linux's column
    stat = run(sh, "cat /proc/self/stat").split()
    assert stat[1] == "(cat)" and stat[2] == "R" and len(stat) >= 52
    assert int(stat[22]) > 0 and int(stat[23]) > 0   # vsize, rss
    status = run(sh, "cat /proc/1/status")
    assert re.search(r"^Name:\tinit$", status, re.M) and re.search(r"^PPid:\t0$", status, re.M)
    assert re.search(r"^VmRSS:\s+\d+ kB$", status, re.M)
    assert run(sh, "cat /proc/1/cmdline; echo").strip("\0") == "/sbin/init"
    assert run(sh, "cat /proc/self/cmdline /proc/1/cmdline | wc -c").split()[0] == str(
        len("cat\0/proc/self/cmdline\0/proc/1/cmdline\0/sbin/init\0"))


def test_ls_proc_shows_pids(sh):
    names = run(sh, "ls /proc").split()
    for want in ("1", "meminfo", "uptime", "self", "config", "cpuinfo", "bus", "sched"):
        assert want in names
    assert len([n for n in names if n.isdigit()]) >= 3         # init, sh, ls
    assert run(sh, "cat /proc/99999/stat").endswith("No such file or directory")


def test_mounts(sh):
    rows = [l.split() for l in run(sh, "cat /proc/mounts").splitlines()]
    assert all(len(r) == 6 and r[4:] == ["0", "0"] for r in rows)
    points = {r[1]: r[2] for r in rows}
    assert points["/"] == "ramfs" and points["/dev"] == "devfs" and points["/proc"] == "proc"
    assert len(rows) == len(points)                 # init's second mount was refused


def test_cpuinfo_sched_version(sh):
    cpu = run(sh, "cat /proc/cpuinfo")
    assert re.search(r"^model name\t: QEMU Virtual CPU", cpu, re.M)
    assert re.search(r"^cpu MHz\t\t: \d+\.\d{3}$", cpu, re.M)
    assert re.search(r"^flags\t\t: .*\bfpu\b.*\blm\b", cpu, re.M)
    sched = run(sh, "cat /proc/sched")
    assert re.search(r"^scheduler:\s+\w+$", sched, re.M)
    assert int(re.search(r"^context_switches:\s+(\d+)", sched, re.M).group(1)) > 0
    assert re.match(r"Tessera version ", run(sh, "cat /proc/version"))
    assert "proc" in run(sh, "cat /proc/filesystems").split()


def test_proc_is_read_only(sh):
    assert "Permission denied" in run(sh, "echo x > /proc/uptime")
    assert "not permitted" in run(sh, "mkdir /proc/x")
    assert run(sh, "rm /proc/uptime 2>/dev/null; echo $?") == "1"


# --- the same binaries on the Linux host ---

def host_tool(procfs_kernel, name, *args):
    exe = procfs_kernel.odir / "usr" / "bin" / name
    return subprocess.run([str(exe)] + list(args), capture_output=True, text=True, timeout=30)


def test_tools_on_linux_host(procfs_kernel):
    ps = host_tool(procfs_kernel, "ps")
    assert ps.returncode == 0
    rows = [l.split(None, 3) for l in ps.stdout.splitlines()[1:]]
    assert rows[0][0] == "1" and str(os.getpid()) in [r[0] for r in rows]
    free = host_tool(procfs_kernel, "free", "-k")
    total = re.search(r"^MemTotal:\s+(\d+) kB", open("/proc/meminfo").read(), re.M).group(1)
    assert free.stdout.splitlines()[1].split()[1] == total
    if os.path.exists("/proc/bus/pci/devices"):
        lspci = host_tool(procfs_kernel, "lspci")
        n = len(open("/proc/bus/pci/devices").read().splitlines())
        assert lspci.returncode == 0 and len(lspci.stdout.splitlines()) == n
        assert re.match(r"[0-9a-f]{2}:[0-9a-f]{2}\.\d [0-9a-f?]{4}: [0-9a-f]{4}:[0-9a-f]{4}",
                        lspci.stdout)
    dmesg = host_tool(procfs_kernel, "dmesg")
    if dmesg.returncode == 0:                       # needs root or dmesg_restrict=0
        assert re.match(r"\[\s*\d+\.\d{6}\] ", dmesg.stdout)
