"""
The host tier: 'make unit-test' builds the cmocka tests of tests/unit/
(with ASan/UBSan) into build/test/unit and fails when any of them fails.
"""
import re

from boot import build as kbuild


def test_unit_tests_pass():
    odir = kbuild.BUILD_ROOT / "unit"
    status, out = kbuild.make(odir, "-j%s" % kbuild.JOBS, "unit-test", check=False)
    assert status == 0, "make unit-test failed:\n" + out[-4000:]
    # cmocka prints one [  PASSED  ] summary per binary; none may report failures.
    passed = re.findall(r"\[  PASSED  \] (\d+) test", out)
    assert passed and sum(int(n) for n in passed) > 0, "no cmocka results in:\n" + out
    assert "[  FAILED  ]" not in out, out
