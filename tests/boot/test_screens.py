"""
What a person sees on the screen: the VGA text console (qemu_defconfig)
starts with the banner and mirrors the serial log; the framebuffer console
(pc_defconfig) draws lit text at the top of a graphics screen.
"""
from boot import checks
from boot import qemu as kqemu

# Only KERN_NOTICE and worse reach the consoles: the banner (a notice) stays
# on the first row however long the full boot log grows.
QUIET = "loglevel=6"


def test_vga_text_banner(kernels, boot):
    b = kernels("qemu")
    q = boot(kernels.iso("qemu", QUIET))
    lines = checks.wait_for_log(q, b, checks.BOOT_DONE)
    checks.check_log(b, lines)
    screen = q.vga_text()
    print("\n".join(screen))
    assert checks.strip_timestamp(screen[0]) == checks.expected_banner(b), screen[:3]


def wrap(lines, width=kqemu.VGA_COLS):
    rows = []
    for line in lines:
        rows.extend(line[i:i + width] for i in range(0, max(len(line), 1), width))
    return rows


def test_vga_mirrors_serial(kernels, boot):
    b = kernels("qemu")
    q = boot(b.iso)
    checks.boot_serial(q, b)
    q.settle()
    # Both consoles get the same text; the screen keeps the last 25 rows.
    serial = [line.rstrip() for line in wrap(q.serial.split("\n")) if line.strip()]
    screen = [row for row in q.vga_text() if row.strip()]
    print("\n".join(screen))
    assert len(screen) >= 3, screen
    assert screen == serial[-len(screen):], "screen:\n%s\nserial tail:\n%s" % (
        "\n".join(screen), "\n".join(serial[-len(screen):]))


def test_framebuffer_console(kernels, boot):
    b = kernels("pc")
    q = boot(kernels.iso("pc", QUIET))
    lines = checks.wait_for_log(q, b, checks.BOOT_DONE)
    checks.check_log(b, lines)
    fb = [line for line in lines if line.startswith("boot: framebuffer")]
    assert fb and " type 1" in fb[0], "no RGB framebuffer (type 1) in log: %s" % fb
    img = q.screendump()
    print("screen %dx%d, %s" % (img.width, img.height, fb[0]))
    assert img.width >= 640 and img.height >= 400, "still a text mode? %dx%d" % (
        img.width, img.height)
    # The banner fills the first rows of 8x16 glyphs; the bottom stays black.
    top = img.lit_pixels(0, 0, img.width // 2, 16 * 2)
    bottom = img.lit_pixels(0, img.height - 64, img.width, img.height)
    print("lit pixels: top-left %d, bottom %d" % (top, bottom))
    assert top > 200, "top-left text rows are dark (%d lit pixels)" % top
    assert bottom == 0, "bottom rows are not black (%d lit pixels)" % bottom
