"""
Runs Tessera in QEMU (TCG) for the boot tests: serial console through
pexpect, the human monitor on a unix socket (sendkey, memory dumps,
screendump, registers), and the exit status the kernel leaves with.
"""
import os
import re
import socket
import tempfile
import time
from pathlib import Path

import pexpect

from . import image

QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
# How long a guest may take to reach a line: TCG under a parallel build on
# two cores is slow, but a healthy boot is ~1 s.
BOOT_TIMEOUT = 30
MONITOR_TIMEOUT = 10

VGA_TEXT_BASE = 0xB8000
VGA_COLS, VGA_ROWS = 80, 25

ANSI_ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
PROMPT = b"\r\n(qemu) "


def standard_args(iso, monitor_sock):
    """The standard guest of design.md section 6, plus a monitor socket."""
    return ["-accel", "tcg", "-cpu", "qemu64", "-m", "128", "-display", "none",
            "-serial", "stdio", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-cdrom", str(iso),
            "-monitor", "unix:%s,server,nowait" % monitor_sock]


class Monitor:
    """QEMU's human monitor over a unix socket: one command, one answer."""

    def __init__(self, path, timeout=MONITOR_TIMEOUT):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock.connect(str(path))
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(timeout)
        self._read_to_prompt()

    def _read_to_prompt(self):
        buf = b""
        while not buf.endswith(PROMPT):
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("QEMU monitor closed: %r" % buf[-200:])
            buf += chunk
        return buf

    def command(self, cmd):
        """Runs one HMP command; returns its output without the echo."""
        self.sock.sendall(cmd.encode() + b"\n")
        raw = self._read_to_prompt()
        # The monitor echoes what it reads with line-editing escapes; the
        # answer starts after the first line break.
        text = ANSI_ESCAPE.sub(b"", raw)
        _, _, answer = text.partition(b"\r\n")
        if answer.endswith(b"(qemu) "):
            answer = answer[:-len(b"(qemu) ")]
        return answer.decode("utf-8", "replace").replace("\r\n", "\n").strip("\n")

    def close(self):
        self.sock.close()


class Qemu:
    """One guest. Use as a context manager; the guest is killed on exit."""

    def __init__(self, iso, extra_args=(), log_path=None, timeout=BOOT_TIMEOUT):
        self.iso = Path(iso)
        self.extra_args = list(extra_args)
        self.timeout = timeout
        self.log_path = Path(log_path) if log_path else None
        self.child = None
        self.monitor = None
        self._tmp = None
        self._status = None

    # --- lifetime ---------------------------------------------------------

    def start(self):
        if not self.iso.is_file():
            raise FileNotFoundError("no ISO to boot: %s" % self.iso)
        # Unix socket paths are limited to 108 bytes: keep it short.
        self._tmp = tempfile.TemporaryDirectory(prefix="tq-")
        sock = Path(self._tmp.name) / "mon"
        args = standard_args(self.iso, sock) + self.extra_args
        self.child = pexpect.spawn(QEMU, args, encoding="utf-8", codec_errors="replace",
                                   timeout=self.timeout, echo=False,
                                   dimensions=(50, 200))
        self._log = open(self.log_path, "w") if self.log_path else None
        self.child.logfile_read = _Tee(self._log)
        self.monitor = Monitor(sock)
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()

    def kill(self):
        if self.monitor:
            self.monitor.close()
            self.monitor = None
        if self.child and self.child.isalive():
            self.child.terminate(force=True)
        if self.child:
            self._drain()
        if self._log:
            self._log.close()
            self._log = None
        if self._tmp:
            self._tmp.cleanup()
            self._tmp = None

    def _drain(self):
        try:
            self.child.expect(pexpect.EOF, timeout=2)
        except (pexpect.TIMEOUT, pexpect.EOF, OSError, ValueError):
            pass

    # --- serial -----------------------------------------------------------

    @property
    def serial(self):
        """Everything the guest printed on ttyS0 so far, with \\n line ends."""
        return self.child.logfile_read.text.replace("\r\n", "\n").replace("\r", "")

    def serial_lines(self):
        return self.serial.split("\n")

    def expect(self, pattern, timeout=None):
        """Waits for a regex on the serial console; fails with the log so far."""
        try:
            self.child.expect(pattern, timeout=timeout or self.timeout)
        except pexpect.TIMEOUT:
            raise AssertionError("timed out after %ss waiting for %r on serial; got:\n%s"
                                 % (timeout or self.timeout, pattern, self.tail()))
        except pexpect.EOF:
            raise AssertionError("QEMU exited (status %s) before %r on serial; got:\n%s"
                                 % (self.wait_exit(1), pattern, self.tail()))
        return self.child.match

    def settle(self, quiet=0.5, limit=10):
        """Reads serial until the guest has been silent for quiet seconds."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            try:
                self.child.read_nonblocking(65536, timeout=quiet)
            except pexpect.TIMEOUT:
                return
            except pexpect.EOF:
                return
        raise AssertionError("serial still busy after %ss:\n%s" % (limit, self.tail()))

    def tail(self, lines=40):
        return "\n".join(self.serial_lines()[-lines:])

    def wait_exit(self, timeout=None):
        """Waits for QEMU to stop by itself; returns its exit status."""
        if self._status is not None:
            return self._status
        try:
            self.child.expect(pexpect.EOF, timeout=timeout or self.timeout)
        except pexpect.TIMEOUT:
            raise AssertionError("QEMU still running after %ss; serial:\n%s"
                                 % (timeout or self.timeout, self.tail()))
        self.child.close()
        self._status = (self.child.exitstatus if self.child.exitstatus is not None
                        else 128 + (self.child.signalstatus or 0))
        return self._status

    # --- monitor ----------------------------------------------------------

    def hmp(self, cmd):
        return self.monitor.command(cmd)

    def sendkey(self, key):
        out = self.hmp("sendkey %s" % key)
        if out:
            raise AssertionError("sendkey %s: %s" % (key, out))

    def _save(self, cmd, addr, size):
        path = Path(self._tmp.name) / "dump.bin"
        out = self.hmp('%s 0x%x %d "%s"' % (cmd, addr, size, path))
        if out or not path.is_file():
            raise AssertionError("%s 0x%x: %s" % (cmd, addr, out or "no file written"))
        data = path.read_bytes()
        path.unlink()
        return data

    def pmemsave(self, addr, size):
        """Physical memory, as bytes."""
        return self._save("pmemsave", addr, size)

    def memsave(self, vaddr, size):
        """Virtual memory through the guest's current page tables."""
        return self._save("memsave", vaddr, size)

    def qwords(self, vaddr, count):
        """count 64-bit words at a virtual address (monitor 'x')."""
        out = self.hmp("x /%dgx 0x%x" % (count, vaddr))
        words = [int(w, 16) for w in re.findall(r"0x([0-9a-fA-F]+)", out.split(":", 1)[-1])]
        if len(words) != count:
            raise AssertionError("x /%dgx 0x%x: %s" % (count, vaddr, out))
        return words

    def vga_text(self):
        """The 80x25 VGA text screen as 25 strings (trailing blanks cut)."""
        return decode_vga_text(self.pmemsave(VGA_TEXT_BASE, VGA_COLS * VGA_ROWS * 2))

    def screendump(self, keep_as=None):
        """The display as an image.Image (PPM from the monitor, parsed here)."""
        path = Path(self._tmp.name) / "screen.ppm"
        out = self.hmp('screendump "%s"' % path)
        if out or not path.is_file():
            raise AssertionError("screendump: %s" % (out or "no file written"))
        img = image.read_ppm(path.read_bytes())
        if keep_as:
            Path(keep_as).write_bytes(path.read_bytes())
        path.unlink()
        return img

    def registers(self):
        """'info registers' as {"RIP": int, "RAX": int, ..., "HLT": int}
        (RIP/RSP/RBP also filled from EIP/ESP/EBP while still in 32-bit mode)."""
        return parse_registers(self.hmp("info registers"))


class _Tee:
    """pexpect logfile: keeps all text and copies it to a file for post-mortems."""

    def __init__(self, f):
        self.f = f
        self.parts = []

    def write(self, s):
        self.parts.append(s)
        if self.f:
            self.f.write(s)

    def flush(self):
        if self.f:
            self.f.flush()

    @property
    def text(self):
        return "".join(self.parts)


REG_RE = re.compile(r"\b([A-Z][A-Z0-9]*)\s*=\s*([0-9a-fA-F]+)\b")


def parse_registers(text):
    regs = {}
    for line in text.splitlines():
        # Segment lines ("CS =0008 base limit flags") carry more than one value.
        if re.match(r"^(ES|CS|SS|DS|FS|GS|LDT|TR|GDT|IDT)\s*=", line):
            continue
        for name, value in REG_RE.findall(line):
            regs.setdefault(name, int(value, 16))
    # Before long mode QEMU prints the 32-bit names.
    for short, full in (("EIP", "RIP"), ("ESP", "RSP"), ("EBP", "RBP")):
        if full not in regs and short in regs:
            regs[full] = regs[short]
    if "RIP" not in regs:
        raise AssertionError("no RIP in 'info registers':\n" + text)
    return regs


def decode_vga_text(data):
    """Character bytes of a VGA text buffer (code page 437) as lines."""
    rows = []
    for r in range(len(data) // (VGA_COLS * 2)):
        row = data[r * VGA_COLS * 2:(r + 1) * VGA_COLS * 2:2]
        rows.append(row.decode("cp437").replace("\x00", " ").rstrip())
    return rows
