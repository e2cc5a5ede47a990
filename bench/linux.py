#!/usr/bin/python3
"""
The Linux guest for the user-space benchmarks: Debian's stock kernel (fetched
with `apt-get download`, unpacked with dpkg-deb, never installed) booted by
QEMU with an initramfs whose /init is ubench itself, so Tessera and Linux run
the very same binary under the same QEMU flags.

    bench/linux.py UBENCH [ARGS...]     boots it, prints ubench's JSON lines
"""
import glob
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                     "tessera", "linux")
META_PACKAGE = "linux-image-amd64"
# Built-ins this setup relies on (a module would need a loader in the initramfs).
NEEDED_CONFIG = ("CONFIG_BLK_DEV_INITRD", "CONFIG_SERIAL_8250", "CONFIG_SERIAL_8250_CONSOLE",
                 "CONFIG_TMPFS", "CONFIG_BINFMT_ELF", "CONFIG_DEVTMPFS")
TIMEOUT = 900
# For the disk benchmarks (--disk): the virtio disk, ext2 (served by ext4)
# and vfat; their dependencies are read from each module's modinfo.
DISK_MODULES = ("virtio_pci", "virtio_blk", "crc32c_generic", "ext4", "vfat", "nls_cp437",
                "nls_ascii")
MODULE_DIRS = ("drivers/virtio", "drivers/block", "fs", "lib", "crypto")


class LinuxGuestError(RuntimeError):
    pass


def versioned_package():
    """linux-image-amd64 depends on exactly one linux-image-<abi>-amd64."""
    out = subprocess.run(["apt-cache", "depends", META_PACKAGE], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        dep = line.strip()
        if dep.startswith("Depends: linux-image-"):
            return dep.split()[1]
    raise LinuxGuestError("apt-cache depends %s names no kernel package" % META_PACKAGE)


def kernel():
    """(vmlinuz path, config path, package name), downloading once into CACHE."""
    found = sorted(glob.glob(os.path.join(CACHE, "boot", "vmlinuz-*")))
    if not found:
        pkg = versioned_package()
        os.makedirs(CACHE, exist_ok=True)
        debs = glob.glob(os.path.join(CACHE, pkg + "_*.deb"))
        if not debs:
            proc = subprocess.run(["apt-get", "download", pkg], cwd=CACHE,
                                  capture_output=True, text=True)
            debs = glob.glob(os.path.join(CACHE, pkg + "_*.deb"))
            if not debs:
                raise LinuxGuestError("apt-get download %s failed:\n%s"
                                      % (pkg, proc.stderr or proc.stdout))
        # Only ./boot: the modules (400 MB unpacked) are not needed.
        tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", debs[0]], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", CACHE, "./boot"], stdin=tar.stdout, check=True)
        tar.wait()
        found = sorted(glob.glob(os.path.join(CACHE, "boot", "vmlinuz-*")))
        if not found:
            raise LinuxGuestError("%s holds no boot/vmlinuz-*" % debs[0])
    vmlinuz = found[-1]
    config = vmlinuz.replace("vmlinuz-", "config-")
    check_config(config)
    return vmlinuz, config, os.path.basename(vmlinuz)[len("vmlinuz-"):]


def _deb():
    debs = sorted(glob.glob(os.path.join(CACHE, "linux-image-*.deb")))
    if not debs:
        kernel()
        debs = sorted(glob.glob(os.path.join(CACHE, "linux-image-*.deb")))
    return debs[-1]


def modules(names=DISK_MODULES):
    """Paths of names and what they depend on, in load order."""
    _, _, release = kernel()
    root = os.path.join(CACHE, "lib", "modules", release, "kernel")
    if not os.path.isdir(root):
        tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", _deb()], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", CACHE] +
                       ["./lib/modules/%s/kernel/%s" % (release, d) for d in MODULE_DIRS],
                       stdin=tar.stdout, check=True)
        tar.wait()
    index = {}
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".ko"):
                index[f[:-3].replace("-", "_")] = os.path.join(d, f)
    order = []

    def visit(name):
        path = index.get(name.replace("-", "_"))
        if path is None:
            raise LinuxGuestError("no module %s under %s" % (name, root))
        if path in order:
            return
        for dep in _depends(path):
            visit(dep)
        order.append(path)
    for name in names:
        visit(name)
    return order


def _depends(ko):
    with open(ko, "rb") as f:
        data = f.read()
    i = data.find(b"\0depends=")
    if i < 0:
        return []
    value = data[i + len(b"\0depends="):data.index(b"\0", i + 1)].decode()
    return [d for d in value.split(",") if d]


def check_config(path):
    values = {}
    with open(path) as f:
        for line in f:
            if line.startswith("CONFIG_") and "=" in line:
                k, v = line.strip().split("=", 1)
                values[k] = v
    missing = [c for c in NEEDED_CONFIG if values.get(c) != "y"]
    if missing:
        raise LinuxGuestError("%s: not built in: %s" % (path, " ".join(missing)))


def initramfs(ubench, out, kos=()):
    """newc archive: /init is ubench; /dev/console so init has fds 0-2;
    kos go to /lib with /lib/modules.list for ubench --insmod."""
    lst = out + ".list"
    with open(lst, "w") as f:
        f.write("dir /dev 0755\nnod /dev/console 0600 c 5 1\ndir /tmp 1777\n"
                "dir /bin 0755\nfile /init %s 0755\nfile /bin/ubench %s 0755\n"
                % (ubench, ubench))
        if kos:
            order = out + ".modules"
            with open(order, "w") as m:
                m.write("".join("/lib/%s\n" % os.path.basename(k) for k in kos))
            f.write("dir /lib 0755\nfile /lib/modules.list %s 0644\n" % order)
            f.write("".join("file /lib/%s %s 0644\n" % (os.path.basename(k), k) for k in kos))
    subprocess.run(["/usr/bin/python3", os.path.join(REPO, "scripts", "gen_initramfs.py"),
                    "-o", out, lst], check=True, stdout=subprocess.DEVNULL)
    return out


def qemu_args(vmlinuz, initrd, ubench_args, memory=256, extra=()):
    # Everything after "--" on the command line is argv for init.
    append = "console=ttyS0 quiet panic=-1 -- --poweroff " + " ".join(ubench_args)
    return ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64", "-m", str(memory),
            "-display", "none", "-serial", "stdio", "-no-reboot",
            # Tessera's exit port, unused by Linux: the same machine for both.
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-kernel", vmlinuz, "-initrd", initrd, "-append", append.strip()] + list(extra)


def run(ubench, ubench_args=(), workdir=None, extra=(), kos=()):
    """Boots Linux with ubench as init; returns the serial output lines.

    extra: more QEMU arguments (-icount, a disk); kos: modules to put in /lib."""
    vmlinuz, _, _ = kernel()
    workdir = workdir or tempfile.mkdtemp(prefix="ubench-linux-")
    os.makedirs(workdir, exist_ok=True)
    initrd = initramfs(os.path.abspath(ubench), os.path.join(workdir, "initramfs.cpio"), kos)
    proc = subprocess.run(qemu_args(vmlinuz, initrd, list(ubench_args), extra=extra),
                          capture_output=True,
                          text=True, errors="replace", timeout=TIMEOUT)
    return proc.stdout.replace("\r", "").splitlines()


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    try:
        for line in run(sys.argv[1], sys.argv[2:]):
            if line.startswith("{"):
                print(line)
    except LinuxGuestError as e:
        sys.stderr.write("bench/linux.py: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
