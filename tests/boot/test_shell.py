"""
What `make run` gives a user: qemu_defconfig (and pc_defconfig) boot to
init's shell prompt on the serial port and on the VGA console, and the
shell runs pipelines, redirections and background jobs typed on either:
over serial, and on the PS/2 keyboard through the QEMU monitor's sendkey,
with the output read back from the VGA text buffer.
"""
import time

import pytest

from boot import shell as kshell

KEY_PAUSE = 0.05        # sendkey returns before the guest has taken the key

# US layout: the characters sendkey needs spelled out.
KEY_NAMES = {" ": "spc", "|": "shift-backslash", ">": "shift-dot", "<": "shift-comma",
             "&": "shift-7", "$": "shift-4", "?": "shift-slash", "/": "slash",
             "-": "minus", ".": "dot", ";": "semicolon", "'": "apostrophe",
             "\n": "ret"}


def type_keys(q, text):
    for ch in text:
        name = KEY_NAMES.get(ch)
        if name is None:
            name = "shift-" + ch.lower() if ch.isupper() else ch
        q.sendkey(name)
        time.sleep(KEY_PAUSE)


def screen_after(q, marker, timeout=kshell.TIMEOUT):
    """The VGA text once marker shows on it (the guest echoes asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        screen = "\n".join(line.rstrip() for line in q.vga_text())
        if marker in screen or time.monotonic() > deadline:
            return screen
        time.sleep(0.3)


@pytest.mark.parametrize("config", ["qemu", "debug"])
def test_defconfig_ends_at_shell_prompt(kernels, boot, config):
    q = kshell.shell(boot, kernels.iso(config, ""))
    assert kshell.run(q, "echo ready") == "ready"
    screen = screen_after(q, "# echo ready")
    assert "# echo ready" in screen and "\nready\n" in screen + "\n", screen


def test_pc_defconfig_ends_at_shell_prompt(kernels, boot):
    q = kshell.shell(boot, kernels.iso("pc", ""))
    assert kshell.run(q, "uname -s") == "Tessera"


def test_pipelines_redirection_jobs_over_serial(kernels, boot):
    q = kshell.shell(boot, kernels.iso("qemu", ""))
    assert kshell.run(q, "echo a b c | wc -w") == "3"
    assert kshell.run(q, "ls /bin | head -n 1 > /tmp/first; cat < /tmp/first") != ""
    assert kshell.run(q, "echo x >> /tmp/first; wc -l < /tmp/first") == "2"
    assert kshell.run(q, "cat /nonexistent 2> /tmp/err; wc -c < /tmp/err") != "0"
    assert kshell.run(q, "true && echo and || echo or") == "and"
    kshell.run(q, "sleep 20 &")
    assert "Running" in kshell.run(q, "jobs")
    assert "Terminated" in kshell.run(q, "kill %1; sleep 1; jobs")


def test_typing_on_the_keyboard_shows_on_vga(kernels, boot):
    q = kshell.shell(boot, kernels.iso("qemu", ""))
    type_keys(q, "echo typed | wc -c > /tmp/n; cat /tmp/n\n")
    q.expect(r"cat /tmp/n\r*\n *6\r*\n", timeout=kshell.TIMEOUT)  # "typed\n" is 6 bytes
    screen = screen_after(q, "cat /tmp/n")
    assert "# echo typed | wc -c > /tmp/n; cat /tmp/n" in screen, screen
    lines = screen.splitlines()
    at = max(i for i, line in enumerate(lines) if "cat /tmp/n" in line)
    assert lines[at + 1].strip() == "6", screen
