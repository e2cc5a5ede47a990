"""
What a good boot looks like, shared by the boot tests and
scripts/randconfig-test: the banner, the console line matching the
configuration, "boot complete", and for kernels without a serial console
the CPU parked in machine_halt with the log read out of guest memory.
"""
import functools
import re
import subprocess
import time

from .build import REPO, clean_env
from .qemu import ANSI_ESCAPE

BOOT_DONE = "boot complete"
PANIC = "Kernel panic"
TIMESTAMP_RE = re.compile(r"^\[\s*\d+\.\d{6}\] ")
# Where a finished boot parks the CPU: machine_halt, or the sti;hlt idle of
# a "tessera> " prompt waiting for keys (CONFIG_KERNEL_CONSOLE_ECHO). Extend
# this when the end of boot changes; the log check still demands "boot complete".
IDLE_SYMBOLS = ("machine_halt", "tick_idle", "halt_until_interrupt", "sched_idle_loop")
# A halt reached through these callers is a failure report, not a boot.
FAILURE_CALLERS = {"machine_exit", "qemu_exit"}
FAILURE_WORDS = {"panic", "die", "oops", "bug", "fault", "trap", "traps", "exception"}


def is_failure_path(caller):
    return caller in FAILURE_CALLERS or bool(FAILURE_WORDS & set(caller.lower().split("_")))


def strip_timestamp(line):
    return TIMESTAMP_RE.sub("", line)


def clean_lines(text):
    """Log text as lines without escapes, CRs and timestamps."""
    text = ANSI_ESCAPE.sub(b"", text.encode("utf-8", "replace")).decode("utf-8", "replace")
    return [strip_timestamp(line.rstrip("\r")) for line in text.replace("\r\n", "\n").split("\n")]


def compiled_version(build):
    """(version, git describe) the kernel was compiled with (include/generated/compile.h)."""
    text = (build.odir / "include/generated/compile.h").read_text()
    version = re.search(r'TESSERA_VERSION "([^"]*)"', text).group(1)
    describe = re.search(r'TESSERA_GIT_DESCRIBE "([^"]*)"', text).group(1)
    return version, describe


@functools.lru_cache(maxsize=None)
def kernel_version():
    out = subprocess.run(["make", "-s", "--no-print-directory", "-C", str(REPO),
                          "kernelversion"], stdout=subprocess.PIPE, text=True, check=True,
                         env=clean_env()).stdout
    return out.strip()


def expected_banner(build):
    """The exact first line: Tessera <version> (<git describe>) x86_64 <BUILD_NAME>."""
    version, describe = compiled_version(build)
    assert version == kernel_version(), "compile.h has version %r, make kernelversion %r" % (
        version, kernel_version())
    if (REPO / ".git").exists():
        commit = describe[:-len("-dirty")] if describe.endswith("-dirty") else describe
        found = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify", "-q",
                                commit + "^{commit}"], stdout=subprocess.DEVNULL)
        assert found.returncode == 0, "banner's git describe %r names no commit" % describe
    name = build.config_values().get("BUILD_NAME", "")
    return "Tessera %s (%s) x86_64 %s" % (version, describe, name)


def expected_consoles(values):
    """Consoles the configuration enabled that can work on QEMU's pc machine."""
    want = set()
    if values.get("SERIAL_8250") == "y":
        want.add("ttyS0")
    if values.get("FB_CONSOLE") == "y":
        want.add("fb")
    elif values.get("VGA_CONSOLE") == "y":
        want.add("vga")
    return want


def console_line(lines):
    """The set of names on the first 'console: a, b' line."""
    for line in lines:
        m = re.match(r"^console: (.*)$", line)
        if m:
            names = m.group(1).strip()
            return set() if names == "none" else {n.strip() for n in names.split(",")}
    raise AssertionError("no 'console: ...' line in the boot log:\n" + "\n".join(lines))


def check_log(build, lines):
    """Banner first, consoles as configured, boot complete, no panic."""
    text = [line for line in lines if line.strip()]
    assert text, "empty boot log"
    banner = expected_banner(build)
    assert text[0] == banner, "first line is %r, expected %r" % (text[0], banner)
    assert not any(PANIC in line for line in text), "panic in boot log:\n" + "\n".join(text)
    assert any(BOOT_DONE in line for line in text), \
        "no %r in boot log:\n%s" % (BOOT_DONE, "\n".join(text))
    got, want = console_line(text), expected_consoles(build.config_values())
    assert got == want, "console line lists %s, config enables %s" % (sorted(got), sorted(want))


def boot_serial(q, build):
    """Boots to 'boot complete' on serial; returns the log lines (timestamps cut).

    The guest must then go quiet without a panic (a prompt may follow).
    """
    q.expect(BOOT_DONE)
    q.settle()
    lines = clean_lines(q.serial)
    check_log(build, lines)
    return lines


def wait_halted(q, build, timeout=20, settle=3):
    """Waits until RIP stays inside an idle symbol; returns (rip, caller name).

    settle consecutive samples must agree, so a CPU passing through is not
    counted. The return address on the stack names who called the halt.
    """
    ranges = [build.symbol_range(s) for s in IDLE_SYMBOLS if build.has_symbol(s)]
    assert ranges, "System.map has none of %s" % (IDLE_SYMBOLS,)
    deadline, inside, regs = time.monotonic() + timeout, 0, None
    while time.monotonic() < deadline:
        regs = q.registers()
        inside = inside + 1 if any(a <= regs["RIP"] < b for a, b in ranges) else 0
        if inside >= settle:
            return regs["RIP"], halt_caller(q, build, regs)
        time.sleep(0.2)
    where = build.symbol_at(regs["RIP"]) if regs else None
    raise AssertionError("RIP=0x%x (%s) is not in %s after %ss"
                         % (regs["RIP"], where, "/".join(IDLE_SYMBOLS), timeout))


def halt_caller(q, build, regs):
    """The function whose call led into the halt.

    A frameless function (machine_halt) has its return address at [RSP];
    one with a frame has it at [RBP+8]. The first that points into .text wins.
    """
    stext, etext = build.symbol_address("_stext"), build.symbol_address("_etext")
    candidates = q.qwords(regs["RSP"], 1) + q.qwords(regs["RBP"] + 8, 1)
    for word in candidates:
        if stext < word <= etext:
            # The call to a noreturn function can be its caller's last
            # instruction: the byte before the return address is the call.
            return build.symbol_at(word - 1)
    return None


def log_from_memory(q, build):
    """The kernel log ring (printk's log_buf) read through the monitor."""
    size = 1 << int(build.config_values()["LOG_BUF_SHIFT"])
    log_buf = build.symbol_address("log_buf")
    log_next = build.symbol_address("log_next")
    total = int.from_bytes(q.memsave(log_next, 8), "little")
    data = q.memsave(log_buf, size)
    if total > size:
        start = total % size
        data = data[start:] + data[:start]
        data = data[data.index(b"\n") + 1:]
    else:
        data = data[:total]
    # Each stored line starts with its level digit.
    raw = data.decode("utf-8", "replace").split("\n")
    return [strip_timestamp(line[1:]) if line[:1].isdigit() else line for line in raw]


def wait_for_log(q, build, text, timeout=30):
    """Polls the log in guest memory until a line contains text; returns the lines."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            lines = log_from_memory(q, build)
        except AssertionError as e:
            # Until the kernel's page tables are live the address is not mapped.
            lines = ["(log not readable yet: %s)" % e]
        if any(text in line for line in lines):
            return lines
        if time.monotonic() > deadline:
            raise AssertionError("no %r in the kernel log after %ss:\n%s"
                                 % (text, timeout, "\n".join(lines)))
        time.sleep(0.2)


def boot_halted(q, build):
    """For kernels without serial: halted normally, and the log in memory is right."""
    rip, caller = wait_halted(q, build)
    assert caller and not is_failure_path(caller), \
        "halted at 0x%x, called from %s (a failure path)" % (rip, caller)
    lines = log_from_memory(q, build)
    check_log(build, lines)
    return lines, rip, caller
