"""
What the build produces and where: O= writes nothing into the source tree,
tiny_defconfig is smaller than qemu_defconfig, and an option turned off
leaves no object and no symbol of it in the kernel.
"""
import shutil
import subprocess

from boot import build as kbuild
from boot import checks

# Folders the tests themselves write: the build cache and Python's caches.
OWN_OUTPUT = ("build/", "__pycache__", ".pytest_cache")


def git_status():
    out = subprocess.run(["git", "-C", str(kbuild.REPO), "status", "--porcelain", "--ignored",
                          "--untracked-files=all"],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    return sorted(line for line in out.splitlines()
                  if not any(part in line[3:] for part in OWN_OUTPUT))


def test_out_of_tree_build_leaves_source_clean():
    odir = kbuild.BUILD_ROOT / "o-clean"
    shutil.rmtree(odir, ignore_errors=True)
    before = git_status()
    b = kbuild.build("o-clean", defconfig="qemu_defconfig")
    after = git_status()
    new = sorted(set(after) - set(before))
    gone = sorted(set(before) - set(after))
    assert b.iso.is_file() and (b.odir / "include/generated/autoconf.h").is_file()
    assert not new and not gone, "the O= build changed the source tree:\n+ %s\n- %s" % (
        "\n+ ".join(new), "\n- ".join(gone))
    shutil.rmtree(odir, ignore_errors=True)


def text_data(b):
    out = subprocess.run(["size", str(b.elf)], stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    text, data, bss = (int(x) for x in out.splitlines()[1].split()[:3])
    return text, data, bss


def test_tiny_is_smaller(kernels):
    tiny, qemu = text_data(kernels("tiny")), text_data(kernels("qemu"))
    print("size tessera.elf   text     data      bss")
    print("tiny_defconfig  %8d %8d %8d  text+data %d" % (tiny + (tiny[0] + tiny[1],)))
    print("qemu_defconfig  %8d %8d %8d  text+data %d" % (qemu + (qemu[0] + qemu[1],)))
    assert tiny[0] + tiny[1] < qemu[0] + qemu[1]


def test_vga_console_off_links_no_vga(kernels, boot):
    b = kernels("novga")
    assert b.config_values().get("VGA_CONSOLE") == "n"
    assert not (b.odir / "drivers/tty/vga.o").exists(), "vga.o was built"
    vga_syms = [name for _, _, name in b.symbols() if "vga" in name.lower()]
    assert not vga_syms, "vga symbols linked: %s" % vga_syms
    # The same machine, booted: only the serial console runs.
    q = boot(b.iso)
    lines = checks.boot_serial(q, b)
    assert checks.console_line(lines) == {"ttyS0"}
