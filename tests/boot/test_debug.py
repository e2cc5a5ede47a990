"""
Failure reports and in-kernel tests: a deliberate panic prints registers
and a symbolised call trace and exits QEMU with 1; ktest=all prints KTAP
with no failure and exits 0; 'make ktest' returns the verdict.
"""
import re

from boot import build as kbuild


def test_panic_report(kernels, boot):
    q = boot(kernels.iso("debug", "crash=panic"))
    q.expect(r"Kernel panic - not syncing: crash=panic")
    q.expect(r"---\[ end Kernel panic")
    status = q.wait_exit(20)
    log = q.serial
    print(log)
    for reg in ("RIP", "RSP", "RAX"):
        assert re.search(r"^(\[[ .0-9]+\] )?%s: [0-9a-f:]+" % reg, log, re.M), "no %s: line" % reg
    for reg in ("RBX", "RDI", "RBP", "R15"):
        assert re.search(r"\b%s: [0-9a-f]{16}\b" % reg, log), "no %s: value" % reg
    trace = log[log.index("Call trace:"):]
    frames = re.findall(r"\[<([0-9a-f]{16})>\] (\w[\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+", trace)
    names = [name for _, name in frames]
    assert "crash_panic_inner" in names and "start_kernel" in names, names
    assert names.index("crash_panic_inner") < names.index("start_kernel"), names
    assert status == 1, "QEMU exit status %d, expected 1 (panic)" % status


def parse_ktap(text):
    """(plan, top-level results, all results); a result is (ok, number, name)."""
    plan, top, everything = None, [], []
    for line in text.splitlines():
        line = re.sub(r"^\[[ .0-9]+\] ", "", line.rstrip("\r"))
        m = re.match(r"^(\s*)(not ok|ok) (\d+) (.*)$", line)
        if m:
            result = (m.group(2) == "ok", int(m.group(3)), m.group(4))
            everything.append(result)
            if not m.group(1):
                top.append(result)
        m = re.match(r"^1\.\.(\d+)$", line)
        if m and plan is None:
            plan = int(m.group(1))
    return plan, top, everything


def test_ktest_all(kernels, boot):
    q = boot(kernels.iso("debug", "ktest=all"))
    q.expect(r"KTAP version 1")
    m = q.expect(r"# ktest: pass:(\d+) fail:(\d+)")
    passed, failed = int(m.group(1)), int(m.group(2))
    status = q.wait_exit(60)
    ktap = q.serial[q.serial.index("KTAP version 1"):]
    print(ktap)
    plan, top, everything = parse_ktap(ktap)
    assert "not ok" not in ktap, "failed: %s" % [r for r in everything if not r[0]]
    assert failed == 0 and passed > 0, "pass:%d fail:%d" % (passed, failed)
    assert plan and [r[1] for r in top] == list(range(1, plan + 1)), \
        "plan 1..%s but top-level results %s" % (plan, top)
    assert all(r[0] for r in everything)
    assert len(everything) - len(top) >= passed, "pass:%d but %d ok subtests" % (
        passed, len(everything) - len(top))
    assert status == 0, "QEMU exit status %d, expected 0" % status


def test_make_ktest(kernels):
    b = kernels("qemu")
    status, out = kbuild.make(b.odir, "ktest", check=False)
    print(out[-3000:])
    assert "KTAP version 1" in out and "not ok" not in out, out[-3000:]
    assert status == 0, "make ktest returned %d" % status
