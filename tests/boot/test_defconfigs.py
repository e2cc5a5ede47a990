"""
Every configs/*_defconfig builds with -Werror and boots: the banner is the
first line on serial, the boot log follows, the consoles are the ones the
configuration enabled, and the boot completes.
"""
import re

import pytest

from boot import checks
from boot.build import DEFCONFIGS

# Lines every boot log has, in this order, after the banner.
BOOT_LOG = [r"^cmdline: '.*'$", r"^console: \S", r"^tsc: \d+\.\d+ MHz",
            r"^mem: \[0x[0-9a-f]+-0x[0-9a-f]+\] usable$", r"^mem: \d+ KiB usable"]


@pytest.mark.parametrize("defconfig", DEFCONFIGS)
def test_defconfig_boots(kernels, boot, defconfig):
    b = kernels(defconfig[:-len("_defconfig")])
    q = boot(b.iso)
    lines = checks.boot_serial(q, b)
    pos = 0
    for pattern in BOOT_LOG:
        found = [i for i, line in enumerate(lines) if i >= pos and re.search(pattern, line)]
        assert found, "no line matching %r after line %d in:\n%s" % (
            pattern, pos, "\n".join(lines))
        pos = found[0]
    print("\n".join(lines))
