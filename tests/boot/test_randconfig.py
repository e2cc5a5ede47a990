"""
The configuration tier: scripts/randconfig-test builds and boots five
seeded random configurations (new seeds every run, each one printed so a
failure replays with KCONFIG_SEED=...).
"""
import re
import subprocess

from boot import build as kbuild

COUNT = 5


def test_randconfig_boots():
    proc = subprocess.run([str(kbuild.REPO / "scripts/randconfig-test"), str(COUNT),
                           "--out", str(kbuild.BUILD_ROOT / "randconfig")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=1800)
    print(proc.stdout)
    seeds = re.findall(r"^randconfig-test: \[\d+/%d\] KCONFIG_SEED=(0x[0-9a-f]{8})$" % COUNT,
                       proc.stdout, re.M)
    passed = re.findall(r"^PASS KCONFIG_SEED=(0x[0-9a-f]{8})", proc.stdout, re.M)
    assert len(seeds) == COUNT, proc.stdout
    assert proc.returncode == 0 and passed == seeds, \
        "failing seeds: %s\n%s" % (sorted(set(seeds) - set(passed)), proc.stdout)
