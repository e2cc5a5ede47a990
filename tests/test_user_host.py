"""
User space on the Linux host: the KTAP suite of tests/user passes (the same
static binary Tessera runs), the initramfs has the documented layout and
takes USR_EXTRA programs, and a kernel built with CONFIG_USER_SPACE=y boots
with the archive loaded as a multiboot2 module (and without it, nothing
changes).
"""
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "user"))

import usrbuild  # noqa: E402
from boot import build as kbuild  # noqa: E402

RESULT = re.compile(r"^(\s*)(ok|not ok) (\d+) (\S+)(?: # (SKIP|TODO)(.*))?$")
TOOLS = "echo cat ls mkdir rm rmdir cp mv ln pwd env kill sleep uname true false wc head clear"

needs_musl = pytest.mark.skipif(not usrbuild.have_musl(),
                                reason="musl-gcc is not installed (Debian musl-tools; 'make deps')")


def ktap_problems(text):
    """Every KTAP result must be ok; a SKIP needs a reason; plans must match."""
    problems, plans, counts = [], {}, {}
    for line in text.splitlines():
        m = re.match(r"^(\s*)1\.\.(\d+)$", line)
        if m:
            plans[len(m.group(1))] = int(m.group(2))
            counts[len(m.group(1))] = 0
            continue
        m = RESULT.match(line)
        if not m:
            continue
        indent = len(m.group(1))
        counts[indent] = counts.get(indent, 0) + 1
        if m.group(2) != "ok":
            problems.append(line.strip())
        elif m.group(5) == "SKIP" and not (m.group(6) or "").strip():
            problems.append("skip without a reason: " + line.strip())
        if indent > 0 and counts[indent] == plans.get(indent):
            del counts[indent]
    if counts.get(0) != plans.get(0):
        problems.append("top-level plan %s, %s results" % (plans.get(0), counts.get(0)))
    return problems


@needs_musl
def test_usertest_passes_on_linux():
    out_dir = usrbuild.USERTEST_OUT
    status, out = usrbuild.make("-C", str(usrbuild.REPO / "tests/user"),
                                "OUT=%s" % out_dir, "run")
    assert out.count("KTAP version 1") >= 2, out[-4000:]
    problems = ktap_problems(out)
    assert not problems, "\n".join(problems) + "\n\n" + out[-6000:]
    assert status == 0, out[-4000:]
    cases = len(re.findall(r"^\s+ok \d+", out, re.M))
    print("usertest: %d cases ok" % cases)
    assert cases >= 70


def test_ktap_checker_catches_failures():
    good = "KTAP version 1\n1..1\n    KTAP version 1\n    1..2\n    ok 1 a\n" \
           "    ok 2 b # SKIP no disk\nok 1 s\n"
    assert ktap_problems(good) == []
    assert ktap_problems(good.replace("ok 2 b", "not ok 2 b"))
    assert ktap_problems(good.replace(" no disk", ""))
    assert ktap_problems(good.replace("1..1", "1..2"))


def cpio_entries(path):
    return {name: (mode, data) for name, mode, data in usrbuild.parse_newc(path.read_bytes())}


@needs_musl
def test_initramfs_layout_and_usr_extra(tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    src = tmp_path / "hello.c"
    src.write_text('#include <unistd.h>\nint main(void){return write(1,"hi\\n",3)!=3;}\n')
    subprocess.run(["musl-gcc", "-static", "-Os", "-o", str(extra / "hello"), str(src)],
                   check=True)
    (extra / "greet").write_text("#!/bin/sh\necho hello\n")
    (extra / "greet").chmod(0o755)

    bin_dir = usrbuild.build_usr("USR_EXTRA=%s" % extra)
    entries = cpio_entries(bin_dir.parent / "initramfs.cpio")
    for d, mode in (("bin", 0o755), ("sbin", 0o755), ("dev", 0o755), ("proc", 0o555),
                    ("tmp", 0o1777), ("etc", 0o755)):
        assert d in entries and stat.S_ISDIR(entries[d][0]), d
        assert stat.S_IMODE(entries[d][0]) == mode, d
    assert entries["sbin/init"][1] == (bin_dir / "init").read_bytes()
    for tool in ["sh"] + TOOLS.split():
        mode, data = entries["bin/" + tool]
        assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o755, tool
        assert data == (bin_dir / tool).read_bytes(), tool
    assert entries["bin/hello"][1] == (extra / "hello").read_bytes()
    assert entries["bin/greet"][1] == b"#!/bin/sh\necho hello\n"
    assert subprocess.run([str(extra / "hello")], capture_output=True).stdout == b"hi\n"

    # Without USR_EXTRA the archive goes back to the tree's programs only.
    usrbuild.build_usr()
    entries = cpio_entries(bin_dir.parent / "initramfs.cpio")
    assert "bin/hello" not in entries


@needs_musl
def test_usr_extra_rejects_dynamic_programs(tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    src = tmp_path / "dyn.c"
    src.write_text("int main(void){return 0;}\n")
    subprocess.run(["gcc", "-o", str(extra / "dyn"), str(src)], check=True)
    status, out = usrbuild.make("-C", str(usrbuild.REPO / "usr"), "OUT=%s" % usrbuild.USR_OUT,
                                "USR_TESTS=", "USR_EXTRA=%s" % extra)
    assert status != 0
    assert "dynamically linked (build it with musl-gcc -static)" in out, out


def test_gen_initramfs_entries(tmp_path):
    payload = tmp_path / "payload"
    payload.write_bytes(b"12345")
    listing = tmp_path / "list"
    listing.write_text("# a comment\n"
                       "dir /d 0700\n"
                       "file /d/deep/f %s 0644\n"
                       "slink /link d/deep/f 0777\n"
                       "nod /console 0600 c 5 1\n" % payload)
    out = tmp_path / "a.cpio"
    gen = [kbuild.PYTHON, str(kbuild.REPO / "scripts/gen_initramfs.py"), "-o", str(out)]
    subprocess.run(gen + [str(listing)], check=True, capture_output=True)
    data = out.read_bytes()
    assert len(data) % 4 == 0
    names = [n for n, _, _ in usrbuild.parse_newc(data)]
    assert names == ["console", "d", "link", "d/deep", "d/deep/f"]  # parents first
    entries = cpio_entries(out)
    assert entries["d/deep/f"] == (stat.S_IFREG | 0o644, b"12345")
    assert entries["link"] == (stat.S_IFLNK | 0o777, b"d/deep/f")
    assert stat.S_ISCHR(entries["console"][0])
    # Same inputs, same bytes; a malformed list is an error with its line number.
    subprocess.run(gen + [str(listing)], check=True, capture_output=True)
    assert out.read_bytes() == data
    listing.write_text("dir /ok 0755\nfile relative/path x 0644\n")
    proc = subprocess.run(gen + [str(listing)], capture_output=True, text=True)
    assert proc.returncode == 1 and "list:2: relative/path must be an absolute path" in proc.stderr


@needs_musl
def test_iso_loads_the_initramfs(boot):
    b = kbuild.build("userspace", defconfig="qemu_defconfig",
                     fragment=["CONFIG_USER_SPACE=y"])
    grub_cfg = (b.odir / ".iso/boot/grub/grub.cfg").read_text()
    assert "\tmodule2 /boot/initramfs.cpio initramfs\n" in grub_cfg
    assert (b.odir / ".iso/boot/initramfs.cpio").read_bytes() == \
        (b.odir / "usr/initramfs.cpio").read_bytes()
    q = boot(b.iso)
    q.expect(r"boot: module 0 \[0x[0-9a-f]+-0x[0-9a-f]+\) 'initramfs'")


def test_user_space_off_changes_nothing(kernels):
    b = kernels("qemu-nouser")
    assert b.config_values().get("USER_SPACE", "n") == "n"
    grub_cfg = (b.odir / ".iso/boot/grub/grub.cfg").read_text()
    assert "module2" not in grub_cfg
    assert not (b.odir / ".iso/boot/initramfs.cpio").exists()
    assert not (b.odir / "usr").exists()
