"""
Every block driver with every disk filesystem (issue 8's acceptance): on
ATA, virtio-blk and AHCI, an ext2 and a FAT32 partition made on the host
(scripts/mkdisk) are mounted from the Tessera shell, the host's files read
back right, the shell writes, appends, copies /bin/sh, makes a directory,
renames across directories and removes a file, then sync, umount and
poweroff (QEMU exits 0). On the host the partition passes e2fsck -fn or
fsck.fat -n and holds exactly the expected tree, byte for byte. A read
error injected under a file gives "I/O error" and the shell goes on;
damaged images (ext2 superblock magic, FAT bytes-per-sector, a directory
entry with rec_len 0) are refused or give an error, never a crash.
poweroff with a filesystem still mounted and unsynced loses nothing, nor
does killing init (the kernel syncs and logs it); reboot(2) wants Linux's
magic numbers (else EINVAL) and the reboot tool resets the machine.
"""
import json
import shutil
import subprocess

import pytest

from boot import build as kbuild
from boot import shell as kshell

USERSPACE = kbuild.REPO / "configs" / "fragments" / "userspace.config"
FRAGMENT = ["CONFIG_VFS=y", "CONFIG_RAMFS=y", "CONFIG_INITRAMFS=y", "CONFIG_DEVFS=y",
            "CONFIG_PCI=y", "CONFIG_BLOCK=y", "CONFIG_BLK_ATA=y", "CONFIG_BLK_VIRTIO=y",
            "CONFIG_BLK_AHCI=y", "CONFIG_BLK_CACHE=y",
            "CONFIG_FS_EXT2=y", "CONFIG_FS_FAT=y", "CONFIG_FS_PROC=y"]
SECTOR = 512
DISK_MIB = 64                           # mkdisk: ext2 24 MiB, FAT32 39 MiB
EXT2_BLOCK = 1024                       # mkdisk's mke2fs -b
MKDISK = kbuild.REPO / "scripts" / "mkdisk"
HOST_TOOLS = ("sfdisk", "mke2fs", "debugfs", "e2fsck", "mkfs.fat", "fsck.fat", "mcopy")

# driver: (machine args, -drive interface, disk name)
DRIVERS = {"ata": ([], "if=ide", "sda"), "virtio": ([], "if=virtio", "vda"),
           "ahci": (["-M", "q35"], "if=ide", "sda")}
# filesystem: (mount type, partition number, Kconfig option)
FILESYSTEMS = {"ext2": ("ext2", 1, "FS_EXT2"), "vfat": ("vfat", 2, "FS_FAT")}

LFN = "A long file name, with spaces.txt"
EUCLEAN, EIO, EINVAL = 117, 5, 22
ERRNOS = {"errno %d" % e for e in (EUCLEAN, EIO, EINVAL)}     # what a damaged disk may give
BIG = 200 * 1024


def big_bytes():
    return bytes((i * 7 + i // 4096) & 0xFF for i in range(BIG))


# What the host puts in both partitions.
HOST_FILES = {
    "hello.txt": b"hello from the host\n",
    LFN: b"long names survive\n",
    "sub/dir/nested.txt": b"nested two levels down\n",
    "big.bin": big_bytes(),
    "remove_me.txt": b"the guest deletes this\n",
}

# fsum FILE...: size and 32-bit FNV-1a of each file, read in odd-sized chunks.
FSUM = r"""
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned char buf[3000];
	int status = 0;

	for (int i = 1; i < argc; i++) {
		unsigned int h = 2166136261u;
		long size = 0, n;
		int fd = open(argv[i], O_RDONLY);

		if (fd < 0) {
			perror(argv[i]);
			status = 1;
			continue;
		}
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			for (long j = 0; j < n; j++)
				h = (h ^ buf[j]) * 16777619u;
			size += n;
		}
		if (n < 0) {
			perror(argv[i]);
			status = 1;
		} else {
			printf("%ld %08x %s\n", size, h, argv[i]);
		}
		close(fd);
	}
	return status;
}
"""


# errprobe mount SRC DIR TYPE | errprobe ls DIR: "ok" or "errno N" (musl has no
# strerror text for EUCLEAN, so the tools print "No error information").
# errprobe reboot: reboot(2)'s answers to bad magic numbers and commands and to
# the Ctrl-Alt-Del settings. Never run it on the host (CAD changes a setting).
ERRPROBE = r"""
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAGIC1 0xfee1deadUL
#define MAGIC2 0x28121969UL

static long reboot_errno(unsigned long m1, unsigned long m2, unsigned long cmd)
{
	errno = 0;
	return syscall(SYS_reboot, m1, m2, cmd) ? errno : 0;
}

int main(int argc, char **argv)
{
	int ok = 0;

	if (argc == 2 && !strcmp(argv[1], "reboot")) {
		printf("reboot: magic1 %ld magic2 %ld cmd %ld cad_off %ld cad_on %ld\n",
		       reboot_errno(MAGIC1 + 1, MAGIC2, RB_POWER_OFF),
		       reboot_errno(MAGIC1, 0x12345678, RB_POWER_OFF),
		       reboot_errno(MAGIC1, MAGIC2, 0x12345678),
		       reboot_errno(MAGIC1, 0x20112000, RB_DISABLE_CAD),
		       reboot_errno(MAGIC1, 0x05121996, RB_ENABLE_CAD));
		return 0;
	}
	errno = 0;
	if (argc == 5 && !strcmp(argv[1], "mount")) {
		ok = mount(argv[2], argv[3], argv[4], 0, NULL) == 0;
	} else if (argc == 3 && !strcmp(argv[1], "ls")) {
		DIR *d = opendir(argv[2]);

		if (d) {
			while (readdir(d))
				;
			ok = errno == 0;
			closedir(d);
		}
	}
	if (ok)
		printf("ok\n");
	else
		printf("errno %d\n", errno);
	return !ok;
}
"""
PROGRAMS = {"fsum": FSUM, "errprobe": ERRPROBE}


def fsum(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return "%d %08x" % (len(data), h)


def fragment():
    lines = [l.strip() for l in USERSPACE.read_text().splitlines() if l.startswith("CONFIG_")]
    return lines + FRAGMENT


@pytest.fixture(scope="module")
def kernel():
    extra = kshell.programs("disks", PROGRAMS)
    try:
        return kbuild.build("disks", defconfig="qemu_defconfig", fragment=fragment(),
                            goals=("all", "iso", "USR_EXTRA=%s" % extra))
    except kbuild.BuildError as e:
        pytest.fail("building the disks kernel failed:\n%s" % e, pytrace=False)


def host_tool(name):
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A 64 MiB MBR disk from scripts/mkdisk: ext2 at partition 1, FAT32 at 2."""
    missing = [t for t in HOST_TOOLS if not host_tool(t)]
    if missing:
        pytest.skip("host tools missing: %s (scripts/deps install)" % " ".join(missing))
    d = tmp_path_factory.mktemp("disks")
    tree = d / "tree"
    for rel, data in HOST_FILES.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_bytes(data)
    image = d / "pristine.img"
    subprocess.run([str(MKDISK), str(image.resolve()), str(DISK_MIB), str(tree.resolve())],
                   check=True, capture_output=True)
    return image


def partitions(image):
    """{1: (start sector, sectors), 2: ...} from sfdisk."""
    out = subprocess.run([host_tool("sfdisk"), "--json", str(image)], check=True,
                         capture_output=True, text=True).stdout
    parts = json.loads(out)["partitiontable"]["partitions"]
    return {i + 1: (p["start"], p["size"]) for i, p in enumerate(parts)}


def disk_copy(pristine, tmp_path, name="d.img"):
    image = tmp_path / name
    shutil.copyfile(pristine, image)
    return image


def extract(image, partno, dest):
    start, size = partitions(image)[partno]
    with open(image, "rb") as f:
        f.seek(start * SECTOR)
        dest.write_bytes(f.read(size * SECTOR))
    return dest


def patch(image, offset, data):
    with open(image, "r+b") as f:
        f.seek(offset)
        f.write(data)


def ext2_blocks(part, path):
    """The data blocks of path in an extracted ext2 partition (debugfs)."""
    out = subprocess.run([host_tool("debugfs"), "-R", "blocks %s" % path, str(part)],
                         check=True, capture_output=True, text=True).stdout
    return [int(b) for b in out.split()]


def drive(image, driver, file_prefix=""):
    machine, iface = DRIVERS[driver][:2]
    return machine + ["-drive", "file=%s%s,format=raw,%s" % (file_prefix, image, iface)]


def shell(boot, kernel, args):
    """-boot d: the guest has disks attached but boots from the ISO."""
    return kshell.shell(boot, kernel.iso, ["-boot", "d"] + list(args))


def mount(q, fstype, dev):
    out = kshell.run(q, "mkdir -p /mnt; mount -t %s %s /mnt; echo status $?" % (fstype, dev))
    assert out.splitlines()[-1] == "status 0", out
    return out


def poweroff(q):
    q.child.send("poweroff\r")
    status = q.wait_exit(kshell.TIMEOUT)
    assert "reboot: power down" in q.serial, q.tail()
    assert status == 0, "QEMU exit status %d:\n%s" % (status, q.tail())


def need_fs(kernel, fs):
    opt = FILESYSTEMS[fs][2]
    assert kernel.enabled(opt), "CONFIG_%s did not stay on in the disks kernel" % opt


def host_tree(image, partno, fs, tmp_path):
    """Checks the partition on the host (fsck) and returns {relpath: bytes}, {dirs}."""
    part = extract(image, partno, tmp_path / "part.img")
    fsck = ([host_tool("e2fsck"), "-fn", str(part)] if fs == "ext2"
            else [host_tool("fsck.fat"), "-n", str(part)])
    res = subprocess.run(fsck, capture_output=True, text=True)
    assert res.returncode == 0, "%s: status %d\n%s%s" % (fsck[0], res.returncode, res.stdout,
                                                      res.stderr)
    out = tmp_path / "out"
    out.mkdir()
    if fs == "ext2":
        cmd = [host_tool("debugfs"), "-R", "rdump / %s" % out, str(part)]
    else:
        cmd = [host_tool("mcopy"), "-s", "-n", "-i", str(part), "::/*", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, env={"MTOOLS_SKIP_CHECK": "1",
                                                              "PATH": "/usr/bin:/bin"})
    files, dirs = {}, set()
    for p in out.rglob("*"):
        rel = p.relative_to(out).as_posix()
        if rel == "lost+found" or rel.startswith("lost+found/"):
            continue
        if p.is_dir():
            dirs.add(rel)
        else:
            files[rel] = p.read_bytes()
    return files, dirs


@pytest.mark.parametrize("fs", sorted(FILESYSTEMS))
@pytest.mark.parametrize("driver", sorted(DRIVERS))
def test_read_write_poweroff(kernel, pristine, boot, tmp_path, driver, fs):
    need_fs(kernel, fs)
    fstype, partno = FILESYSTEMS[fs][:2]
    dev = "/dev/%s%d" % (DRIVERS[driver][2], partno)
    image = disk_copy(pristine, tmp_path)
    q = shell(boot, kernel, drive(image, driver))
    mount(q, fstype, dev)

    # What the host wrote reads back right.
    assert kshell.run(q, "cat /mnt/hello.txt") == "hello from the host"
    assert kshell.run(q, "cat '/mnt/%s'" % LFN) == "long names survive"
    assert kshell.run(q, "cat /mnt/sub/dir/nested.txt") == "nested two levels down"
    assert kshell.run(q, "wc -c /mnt/big.bin").split()[0] == str(BIG)
    assert kshell.run(q, "fsum /mnt/big.bin") == fsum(big_bytes()) + " /mnt/big.bin"
    listing = kshell.run(q, "ls /mnt")
    for name in ("hello.txt", LFN, "sub", "big.bin", "remove_me.txt"):
        assert name in listing, listing

    # The guest writes.
    sh = (kernel.odir / "usr" / "bin" / "sh").read_bytes()
    steps = ["echo first line > /mnt/new.txt", "echo second line >> /mnt/new.txt",
             "cp /bin/sh /mnt/sh.copy", "mkdir /mnt/newdir",
             "echo inside > /mnt/newdir/inner.txt",
             "mv /mnt/sub/dir/nested.txt /mnt/newdir/moved.txt", "rm /mnt/remove_me.txt"]
    for step in steps:
        assert kshell.run(q, step + "; echo status $?").splitlines()[-1] == "status 0", step
    assert kshell.run(q, "cat /mnt/new.txt") == "first line\nsecond line"
    assert kshell.run(q, "fsum /mnt/sh.copy") == fsum(sh) + " /mnt/sh.copy"
    assert kshell.run(q, "sync; echo status $?") == "status 0"
    assert kshell.run(q, "umount /mnt; echo status $?") == "status 0"
    poweroff(q)
    assert "panic" not in q.serial.lower(), q.tail()

    files, dirs = host_tree(image, partno, fs, tmp_path)
    want = dict(HOST_FILES)
    del want["remove_me.txt"]
    want["newdir/moved.txt"] = want.pop("sub/dir/nested.txt")
    want.update({"new.txt": b"first line\nsecond line\n", "sh.copy": sh,
                 "newdir/inner.txt": b"inside\n"})
    assert sorted(files) == sorted(want)
    for rel, data in want.items():
        assert files[rel] == data, "%s differs on the host (%d bytes, want %d)" % (
            rel, len(files[rel]), len(data))
    assert dirs == {"sub", "sub/dir", "newdir"}, dirs


def test_read_error_reported_and_shell_goes_on(kernel, pristine, boot, tmp_path):
    """blkdebug fails every read of one data block of big.bin (not needed to mount)."""
    need_fs(kernel, "ext2")
    image = disk_copy(pristine, tmp_path)
    start = partitions(image)[1][0]
    blocks = ext2_blocks(extract(image, 1, tmp_path / "p1.img"), "/big.bin")
    bad = start + blocks[len(blocks) // 2] * EXT2_BLOCK // SECTOR
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\n' % bad)
    q = shell(boot, kernel, drive(image, "ata", "blkdebug:%s:" % conf))
    mount(q, "ext2", "/dev/sda1")
    out = kshell.run(q, "cat /mnt/big.bin > /tmp/big; echo status $?")
    assert "cat: /mnt/big.bin: I/O error" in out and out.endswith("status 1"), out
    assert kshell.run(q, "cat /mnt/hello.txt") == "hello from the host"
    assert kshell.run(q, "echo alive") == "alive"
    assert kshell.run(q, "umount /mnt; echo status $?") == "status 0"
    poweroff(q)




def test_damaged_images_refused(kernel, pristine, boot, tmp_path):
    """sda: ext2 superblock magic zeroed and FAT bytes-per-sector 0; vda: an ext2
    whose /sub directory starts with an entry of rec_len 0."""
    need_fs(kernel, "ext2")
    need_fs(kernel, "vfat")
    bad_sb = disk_copy(pristine, tmp_path, "badsb.img")
    parts = partitions(bad_sb)
    ext2_off, fat_off = parts[1][0] * SECTOR, parts[2][0] * SECTOR
    patch(bad_sb, ext2_off + 1024 + 56, b"\0\0")            # s_magic 0xef53
    patch(bad_sb, fat_off + 11, b"\0\0")                    # BPB_BytsPerSec
    bad_dir = disk_copy(pristine, tmp_path, "baddir.img")
    sub = ext2_blocks(extract(bad_dir, 1, tmp_path / "p1.img"), "/sub")[0]
    patch(bad_dir, ext2_off + sub * EXT2_BLOCK + 4, b"\0\0")   # "."'s rec_len
    q = shell(boot, kernel, drive(bad_sb, "ata") + drive(bad_dir, "virtio"))
    kshell.run(q, "mkdir -p /mnt")
    for fstype, dev in (("ext2", "/dev/sda1"), ("vfat", "/dev/sda2")):
        out = kshell.run(q, "mount -t %s %s /mnt; echo status $?" % (fstype, dev))
        assert out.endswith("status 1")
        out = kshell.run(q, "errprobe mount %s /mnt %s" % (dev, fstype))
        assert out.splitlines()[-1] in ERRNOS, out
        assert kshell.run(q, "echo alive") == "alive"
    mount(q, "ext2", "/dev/vda1")
    # A lookup through the directory fails; so does reading it (errprobe: ls
    # does not check readdir's errno yet and exits 0 on an empty listing).
    assert kshell.run(q, "cat /mnt/sub/dir/nested.txt; echo status $?").endswith("status 1")
    out = kshell.run(q, "errprobe ls /mnt/sub")
    assert out.splitlines()[-1] in ERRNOS, out
    assert kshell.run(q, "cat /mnt/hello.txt") == "hello from the host"
    assert kshell.run(q, "umount /mnt; echo status $?") == "status 0"
    assert "panic" not in q.serial.lower(), q.tail()
    poweroff(q)


@pytest.mark.parametrize("fs", sorted(FILESYSTEMS))
def test_poweroff_syncs_what_is_mounted(kernel, pristine, boot, tmp_path, fs):
    """No sync, no umount: reboot(2) writes everything back before switching off."""
    need_fs(kernel, fs)
    fstype, partno = FILESYSTEMS[fs][:2]
    image = disk_copy(pristine, tmp_path)
    q = shell(boot, kernel, drive(image, "virtio"))
    mount(q, fstype, "/dev/vda%d" % partno)
    kshell.run(q, "echo written just before poweroff > /mnt/late.txt")
    poweroff(q)
    files, _ = host_tree(image, partno, fs, tmp_path)
    assert files.get("late.txt") == b"written just before poweroff\n", sorted(files)


def test_init_killed_syncs(kernel, pristine, boot, tmp_path):
    """When init dies nothing will call sync again: the kernel does, and says so."""
    need_fs(kernel, "ext2")
    image = disk_copy(pristine, tmp_path)
    q = shell(boot, kernel, drive(image, "ata"))
    mount(q, "ext2", "/dev/sda1")
    kshell.run(q, "echo written before init died > /mnt/orphan.txt")
    q.child.send("kill -9 1\r")
    q.expect(r"init \(pid 1\) exited with status 0x9")
    q.expect(r"init exited: filesystems synced \(0\)")
    q.kill()
    files, _ = host_tree(image, 1, "ext2", tmp_path)
    assert files.get("orphan.txt") == b"written before init died\n", sorted(files)


def test_reboot_syscall_and_tool(kernel, boot):
    """Linux's magic numbers: anything else is EINVAL; CAD on/off are accepted;
    the reboot tool resets the machine (QEMU's -no-reboot makes that an exit)."""
    q = shell(boot, kernel, [])
    out = kshell.run(q, "errprobe reboot")
    assert out.splitlines()[-1] == "reboot: magic1 %d magic2 %d cmd %d cad_off 0 cad_on 0" % (
        EINVAL, EINVAL, EINVAL), out
    assert kshell.run(q, "echo alive") == "alive"
    q.child.send("reboot\r")
    status = q.wait_exit(kshell.TIMEOUT)
    assert "reboot: restarting system" in q.serial, q.tail()
    assert status == 0, "QEMU exit status %d:\n%s" % (status, q.tail())
