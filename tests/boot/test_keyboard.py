"""
Console input end to end: keys sent with the QEMU monitor's sendkey go
through the 8042, the decoder, the layout and the line discipline, and the
kernel's echo loop (CONFIG_KERNEL_CONSOLE_ECHO) logs each line; bytes typed
on the serial port go the same way. A German-layout build checks that the
layout, not the key name, decides the character.
"""
import time

import pytest

from boot import build as kbuild

PROMPT = "tessera> "
KEY_PAUSE = 0.05        # sendkey returns before the guest has taken the key


@pytest.fixture(scope="module")
def de_kernel():
    try:
        return kbuild.build("kbd_de", defconfig="qemu_defconfig",
                            fragment=["# CONFIG_PROCESSES is not set",
                                      "# CONFIG_KBD_LAYOUT_US is not set",
                                      "CONFIG_KBD_LAYOUT_DE=y"])
    except kbuild.BuildError as e:
        pytest.fail("building the DE layout failed:\n%s" % e, pytrace=False)


def keys(q, *names):
    for name in names:
        q.sendkey(name)
        time.sleep(KEY_PAUSE)


def expect_read(q, line):
    q.child.expect_exact("tty: read '%s'" % line, timeout=15)
    q.child.expect_exact(PROMPT, timeout=15)


def start(boot, iso):
    q = boot(iso)
    # The " (" after the name: a regex ending in \w+ can match a half-arrived word.
    q.expect(r"kbd: PS/2 keyboard on IRQ 1, layout (\w+) \(")
    layout = q.child.match.group(1)
    q.expect(r"tty: console input from ps2 keyboard, ttyS0")
    q.child.expect_exact(PROMPT, timeout=30)
    return q, layout


def test_keyboard_lines(kernels, boot):
    q, layout = start(boot, kernels.iso("qemu-echo", ""))
    assert layout == "us"
    keys(q, "h", "i", "ret")
    expect_read(q, "hi")
    screen = "\n".join(q.vga_text())
    assert "tty: read 'hi'" in screen, "typed line not on the VGA screen:\n" + screen
    keys(q, "shift-a", "b", "backspace", "c", "ret")
    expect_read(q, "Ac")
    keys(q, "backspace", "x", "ctrl-u", "y", "ret")      # erase at line start, kill line
    expect_read(q, "y")
    keys(q, "caps_lock", "a", "shift-b", "caps_lock", "c", "ret")
    expect_read(q, "Abc")
    keys(q, "up", "kp_enter")                           # arrows arrive as ANSI sequences
    expect_read(q, "^[[A")
    keys(q, "num_lock", "kp_1", "kp_decimal", "num_lock", "kp_1", "ret")
    expect_read(q, "1.^[[F")
    keys(q, "a", "ctrl-c")
    q.child.expect_exact("^C", timeout=15)
    q.child.expect_exact(PROMPT, timeout=15)
    keys(q, "ctrl-d")
    q.expect(r"tty: end of file")


def test_serial_lines(kernels, boot):
    q, _ = start(boot, kernels.iso("qemu-echo", ""))
    q.child.send("over serial\r")
    expect_read(q, "over serial")
    q.child.send("abx\x7f\x7fc\n")
    expect_read(q, "ac")
    q.child.send("gone\x15\x1b[D\r")
    expect_read(q, "^[[D")
    keys(q, "k", "b")                                   # one line from both sources
    q.child.send("d\r")
    expect_read(q, "kbd")


def test_german_layout(de_kernel, boot):
    q, layout = start(boot, de_kernel.iso)
    assert layout == "de"
    keys(q, "y", "z", "shift-y", "ret")
    expect_read(q, "zyZ")
    keys(q, "alt_r-q", "alt_r-8", "alt_r-9", "alt_r-less", "ret")
    expect_read(q, "@[]|")
    keys(q, "semicolon", "apostrophe", "bracket_left", "minus", "ret")
    expect_read(q, "\u00f6\u00e4\u00fc\u00df")
