"""
What a person sees on the screen: the VGA text console (qemu_defconfig)
shows the banner on its first row; the framebuffer console (pc_defconfig)
draws lit text at the top of a graphics screen.
"""
from boot import checks


def test_vga_text_banner(kernels, boot):
    b = kernels("qemu")
    q = boot(b.iso)
    checks.boot_serial(q, b)
    screen = q.vga_text()
    print("\n".join(screen))
    assert checks.strip_timestamp(screen[0]) == checks.expected_banner(b), screen[:3]
    assert any(checks.BOOT_DONE in row for row in screen), screen


def test_framebuffer_console(kernels, boot):
    b = kernels("pc")
    q = boot(b.iso)
    lines = checks.boot_serial(q, b)
    fb = [line for line in lines if line.startswith("boot: framebuffer")]
    assert fb and " type 1" in fb[0], "no RGB framebuffer (type 1) in log: %s" % fb
    img = q.screendump()
    print("screen %dx%d, %s" % (img.width, img.height, fb[0]))
    assert img.width >= 640 and img.height >= 400, "still a text mode? %dx%d" % (
        img.width, img.height)
    # The log fills the first rows of 8x16 glyphs; the bottom stays black.
    top = img.lit_pixels(0, 0, img.width // 2, 16 * 3)
    bottom = img.lit_pixels(0, img.height - 64, img.width, img.height)
    print("lit pixels: top-left %d, bottom %d" % (top, bottom))
    assert top > 200, "top-left text rows are dark (%d lit pixels)" % top
    assert bottom == 0, "bottom rows are not black (%d lit pixels)" % bottom
