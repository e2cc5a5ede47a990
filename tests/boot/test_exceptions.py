"""
CPU exceptions end to end: the crash= triggers (KTEST builds only) make the
kernel fault on purpose; each report must name the exception, the decoded
details and the faulting function, and QEMU must exit with status 1 (panic)
rather than reset. A kernel stack overflow must be reported through the
double-fault IST stack.
"""
import re

import pytest


def crash(kernels, boot, trigger):
    q = boot(kernels.iso("debug", "crash=%s" % trigger))
    q.expect(r"Kernel panic - not syncing")
    status = q.wait_exit(30)
    print(q.serial)
    return q.serial, status


def test_kernel_page_fault_report(kernels, boot):
    log, status = crash(kernels, boot, "pf")
    assert re.search(r"page fault: address ffffffffa0000000 \(CR2\)", log), log
    assert "page not present, read, kernel mode" in log
    assert re.search(r"in crash_pf_inner[\w.]*\+0x[0-9a-f]+", log), "no faulting function"
    assert "Call trace:" in log and re.search(r"\] start_kernel\+", log)
    assert status == 1, "QEMU exit status %d, expected 1" % status


@pytest.mark.parametrize("trigger,name,vector", [
    ("ud", r"invalid opcode \(#UD\)", 6),
    ("de", r"divide error \(#DE\)", 0),
])
def test_kernel_exception_report(kernels, boot, trigger, name, vector):
    log, status = crash(kernels, boot, trigger)
    assert re.search(r"%s, vector %d" % (name, vector), log), log
    assert re.search(r"crash_%s_inner[\w.]*\+0x" % trigger, log), "no faulting function"
    assert re.search(r"RIP: [0-9a-f]{4}:[0-9a-f]{16}", log)
    assert status == 1


def test_stack_overflow_reports_double_fault(kernels, boot):
    log, status = crash(kernels, boot, "stack")
    assert re.search(r"double fault \(#DF\), vector 8", log), log
    assert "guard page" in log and "kernel stack overflow" in log
    assert status == 1, "a reset or hang instead of a report (status %d)" % status
