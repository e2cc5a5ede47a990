"""
The conformance tier on the host: 'make -C tests/conformance run' builds
every suite once per implementation (cmocka, ASan/UBSan) into
build/conformance and fails when any suite fails.
"""
import re
import subprocess

from boot import build as kbuild

TIMEOUT = 900


def test_conformance_suites_pass():
    out_dir = kbuild.REPO / "build" / "conformance"
    proc = subprocess.run(["make", "-C", str(kbuild.REPO / "tests" / "conformance"),
                           "-j%s" % kbuild.JOBS, "OUT=%s" % out_dir, "run"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace", timeout=TIMEOUT)
    out = proc.stdout
    print(out)
    assert proc.returncode == 0, "make -C tests/conformance run failed:\n" + out[-6000:]
    passed = re.findall(r"\[  PASSED  \] (\d+) test", out)
    assert passed and sum(int(n) for n in passed) > 0, "no cmocka results in:\n" + out[-3000:]
    assert "[  FAILED  ]" not in out, out[-6000:]
    # The page-allocator suite ran against both cores.
    for core in ("bitmap", "buddy"):
        assert re.search(r"^=== \S*/pmm_%s$" % core, out, re.M), "no pmm suite for " + core
    # The heap suite ran against every core, with and without CONFIG_HEAP_POISON.
    for core in ("slab", "firstfit", "bump"):
        for variant in (core, core + "_poison"):
            assert re.search(r"^=== \S*/heap_%s$" % variant, out, re.M), "no heap suite " + variant
    # The filesystem suite ran on ext2 (1, 2 and 4 KiB blocks, rev 0; e2fsck
    # clean after every case) and the damaged-image corpus was all rejected.
    assert re.search(r"^=== \S*/fs_suite_ext2$", out, re.M), "no fs suite for ext2"
    for variant in ("1k", "2k", "4k", "rev0"):
        assert re.search(r"^fs_suite: ext2 %s: \d+ cases, 0 failed$" % variant, out, re.M), \
            "fs suite on ext2 %s did not pass" % variant
    m = re.search(r"fs_corrupt: (\d+) of (\d+) named damages rejected", out)
    assert m and m.group(1) == m.group(2), "ext2 damaged images not all rejected"
    # The same suite on FAT12/16/32 (fsck.fat -n clean after every case), the
    # mtools interoperability cases, and FAT's damaged-image corpus.
    assert re.search(r"^=== \S*/fs_suite_fat$", out, re.M), "no fs suite for vfat"
    for variant in ("fat12", "fat16", "fat32"):
        assert re.search(r"^fs_suite: vfat %s: \d+ cases, 0 failed$" % variant, out, re.M), \
            "fs suite on vfat %s did not pass" % variant
    assert re.search(r"^=== \S*/fat_interop$", out, re.M), "no FAT/mtools interop run"
    m = re.search(r"fat_corrupt: (\d+) of (\d+) damaged images rejected", out)
    assert m and m.group(1) == m.group(2), "FAT damaged images not all rejected"
