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
