"""
The extremes of the menu: allnoconfig (no serial console: checked through
the QEMU monitor) and allyesconfig both build with -Werror and boot.
"""
from boot import checks


def test_allnoconfig_boots(kernels, boot):
    b = kernels("allno")
    assert not b.enabled("SERIAL_8250"), "allnoconfig kept the serial console"
    q = boot(b.iso)
    lines, rip, caller = checks.boot_halted(q, b)
    print("halted at 0x%x in %s, called from %s" % (rip, b.symbol_at(rip), caller))
    print("\n".join(lines))
    assert q.serial.strip() == "", "serial output without a serial driver: %r" % q.serial


def test_allyesconfig_boots(kernels, boot):
    b = kernels("allyes")
    assert b.enabled("SERIAL_8250") and b.enabled("FB_CONSOLE") and b.enabled("KTEST")
    q = boot(b.iso)
    print("\n".join(checks.boot_serial(q, b)))
