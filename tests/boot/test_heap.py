"""
The kernel heap in the guest: the heap KTEST suite (the conformance cases of
mm/heap/heap_cases.h, on the real heap over real memory) and the meminfo dump
pass with each heap and with CONFIG_HEAP_POISON; the boot log names the heap
that is linked; poisoning reports name the function that overran.
"""
import re

import pytest

from boot.kernels import Kernels, fragment_configs

KTEST_TIMEOUT = 240
KTEST_FRAGMENT = ["CONFIG_KTEST=y", "CONFIG_QEMU_DEBUG_EXIT=y"]

# name: (defconfig, fragment). "debug" (slab, the default) is the session's
# shared build; "mem-tiny" (bump, tiny_defconfig's heap) is shared with
# test_memory.py, so neither is built twice.
CONFIGS = {
    "heap-firstfit": ("debug_defconfig", ["CONFIG_HEAP_FIRSTFIT=y"]),
    "heap-bump": ("debug_defconfig", ["CONFIG_HEAP_BUMP=y"]),
    "heap-slab-poison": ("debug_defconfig", ["CONFIG_HEAP_POISON=y"]),
    "mem-tiny": ("tiny_defconfig", KTEST_FRAGMENT),
}

# (configuration, heap it must link, -m)
MATRIX = [
    ("debug", "slab", "128"),
    ("heap-firstfit", "firstfit", "128"),
    ("heap-bump", "bump", "128"),
    ("heap-slab-poison", "slab", "128"),
    ("mem-tiny", "bump", "4"),
]


@pytest.fixture(scope="module")
def heap_kernels(kernels):
    return Kernels(fragment_configs(CONFIGS), fallback=kernels)


def boot_ktest(boot, iso, size):
    """Boots with -m size until KTEST's verdict; returns the serial log."""
    q = boot(iso, extra_args=["-m", size], timeout=KTEST_TIMEOUT)
    m = q.expect(r"# ktest: pass:(\d+) fail:(\d+)")
    status = q.wait_exit(60)
    log = q.serial
    assert int(m.group(2)) == 0, "KTEST failures at -m %s:\n%s" % (size, log[-6000:])
    assert int(m.group(1)) > 0, log[-3000:]
    assert not re.search(r"\bnot ok\b", log), log[-6000:]
    assert status == 0, "QEMU exit status %d:\n%s" % (status, log[-3000:])
    return log


@pytest.mark.parametrize("name,heap,size", MATRIX, ids=["%s-m%s" % (m[0], m[2]) for m in MATRIX])
def test_heap_ktest(heap_kernels, boot, name, heap, size):
    log = boot_ktest(boot, heap_kernels.iso(name, "ktest=heap"), size)
    print(log)
    assert re.search(r"heap: %s\b" % heap, log), "boot log does not name the %s heap" % heap
    poison = heap_kernels(name).enabled("HEAP_POISON")
    assert bool(re.search(r"ok \d+ poison # SKIP", log)) != poison, log[-4000:]
    if poison and heap_kernels(name).enabled("KALLSYMS"):
        # The report names the allocating and the freeing function, not bare addresses.
        assert re.search(r"heap: tail redzone of \S+ \(24 bytes, allocated by "
                         r"ktest_fn_heap_poison\+0x[0-9a-f]+/0x[0-9a-f]+\) overwritten at "
                         r"byte 24, found on free by ktest_fn_heap_poison\+", log), log[-4000:]
    assert "double free of" in log


@pytest.mark.parametrize("name,heap,size", MATRIX[:3], ids=[m[0] for m in MATRIX[:3]])
def test_meminfo_dump(heap_kernels, boot, name, heap, size):
    log = boot_ktest(boot, heap_kernels.iso(name, "ktest=meminfo"), size)
    print(log)
    total = int(re.search(r"meminfo: MemTotal: +(\d+) kB", log).group(1))
    free = int(re.search(r"meminfo: MemFree: +(\d+) kB", log).group(1))
    assert 0 < free <= total <= int(size) * 1024
    assert len(re.findall(r"meminfo: Free order +\d+: +\d+ blocks", log)) == 11
    assert re.search(r"meminfo: HeapInUse: +\d+ kB \(%s, \d+ pages held" % heap, log), log
