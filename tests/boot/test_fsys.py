"""
File system calls and tools with disks: devfs shows a node for every disk
and partition (/dev/sda1 is block 8,1, /dev/vda1 is 254,1); reading a node
returns the bytes the host put in the image, and a write through it lands
in the image; mount/umount/df/stat/touch/sync work on a ramfs; mount,
statfs, utimensat and the *at calls follow Linux's errno rules (the same
check program passes on the Linux host); a root= the kernel cannot mount
falls back to the initramfs; root= an ext2 image (when ext2 is linked)
boots to the shell from the disk.
"""
import os
import re
import shutil
import struct
import subprocess

import pytest

from boot import build as kbuild
from boot import shell as kshell

FRAGMENT = ["CONFIG_VFS=y", "CONFIG_RAMFS=y", "CONFIG_INITRAMFS=y", "CONFIG_DEVFS=y",
            "CONFIG_USER_SPACE=y", "CONFIG_PROCESSES=y", "CONFIG_PCI=y", "CONFIG_BLOCK=y",
            "CONFIG_BLK_ATA=y", "CONFIG_BLK_VIRTIO=y", "CONFIG_BLK_CACHE=y",
            "CONFIG_FS_EXT2=y", "CONFIG_FS_PROC=y"]

SECTOR = 512
DISK_SECTORS = 16 * 2048                # 16 MiB
PART_START, PART_SECTORS = 2048, 8192
MAGIC = b"TESSERA-FSYSTST!"
READ_OFF, READ_LEN = 512 + 400, 600     # crosses a sector boundary
WRITE_OFF = 8 * SECTOR + 100            # unaligned, spans two sectors

# kind: (-drive interface, disk name, major)
DRIVES = {"ata": ("if=ide", "sda", 8), "virtio": ("if=virtio", "vda", 254)}

# Runs on the Linux host too: bad pointers are EFAULT, the rest Linux's errno values.
FSYSCHECK = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static int ok, n;

static void check(int cond, const char *what)
{
	n++;
	if (cond)
		ok++;
	else
		printf("FAIL %s (errno %d)\n", what, errno);
}

static int fails(long r, int e) { return r == -1 && errno == e; }

#define D "/tmp/fsyst"
#define RAMFS_MAGIC 0x858458f6

int main(void)
{
	void *bad = (void *)8, *kern = (void *)0xffffffff80000000UL;
	struct statfs sf;
	struct stat st;
	struct timespec ts[2];
	char buf[64];
	int fd, dfd;
	dev_t under;

	mkdir(D, 0755);
	stat(D, &st);
	under = st.st_dev;
	check(fails(syscall(SYS_mount, "none", bad, "ramfs", 0, 0), EFAULT), "mount target");
	check(fails(syscall(SYS_mount, bad, D, "ramfs", 0, 0), EFAULT), "mount source");
	check(fails(syscall(SYS_mount, "none", D, kern, 0, 0), EFAULT), "mount type");
	check(fails(syscall(SYS_mount, "none", D, "ramfs", 0, bad), EFAULT), "mount data");
	check(fails(syscall(SYS_umount2, bad, 0), EFAULT), "umount2 path");
	check(fails(syscall(SYS_statfs, bad, &sf), EFAULT), "statfs path");
	check(fails(syscall(SYS_statfs, "/", kern), EFAULT), "statfs buf");
	check(fails(syscall(SYS_fstatfs, 0, bad), EFAULT), "fstatfs buf");
	check(fails(syscall(SYS_utimensat, AT_FDCWD, bad, 0, 0), EFAULT), "utimensat path");
	check(fails(syscall(SYS_utimensat, AT_FDCWD, D, bad, 0), EFAULT), "utimensat times");
	check(fails(syscall(SYS_utimensat, AT_FDCWD, 0, 0, 0), EFAULT), "utimensat NULL path");
	check(fails(syscall(SYS_truncate, kern, 0), EFAULT), "truncate path");
	check(fails(syscall(SYS_mkdirat, AT_FDCWD, bad, 0755), EFAULT), "mkdirat path");
	check(fails(syscall(SYS_renameat2, AT_FDCWD, D, AT_FDCWD, bad, 0), EFAULT), "renameat2");
	check(fails(syscall(SYS_readlinkat, AT_FDCWD, bad, buf, sizeof(buf)), EFAULT), "readlinkat");

	check(mount("none", D, "ramfs", 0, NULL) == 0 && stat(D, &st) == 0 && st.st_dev != under,
	      "mount ramfs");
	check(statfs(D, &sf) == 0 && sf.f_type == RAMFS_MAGIC, "statfs ramfs magic");
	check(fails(umount2(D, MNT_DETACH | 0x100), EINVAL), "umount2 bad flags");
	check(fails(mount("none", D "/nodir", "ramfs", 0, NULL), ENOENT), "mount missing dir");
	check(fails(mount("none", D, "nosuchfs", 0, NULL), ENODEV), "mount unknown type");

	fd = open(D "/f", O_RDWR | O_CREAT, 0644);
	check(fd >= 0 && write(fd, "hello world", 11) == 11, "create");
	check(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate");
	check(truncate(D "/f", 4096) == 0 && stat(D "/f", &st) == 0 && st.st_size == 4096, "truncate");
	check(fails(truncate(D "/f", -1), EINVAL), "truncate negative");
	check(fsync(fd) == 0 && fdatasync(fd) == 0 && syncfs(fd) == 0, "fsync");
	check(fstatfs(fd, &sf) == 0 && sf.f_type == RAMFS_MAGIC, "fstatfs");
	ts[0].tv_sec = 1000000000; ts[0].tv_nsec = 5;
	ts[1].tv_sec = 1200000000; ts[1].tv_nsec = 7;
	check(utimensat(AT_FDCWD, D "/f", ts, 0) == 0 && stat(D "/f", &st) == 0 &&
	      st.st_atim.tv_sec == 1000000000 && st.st_mtim.tv_sec == 1200000000 &&
	      st.st_mtim.tv_nsec == 7, "utimensat times");
	ts[0].tv_nsec = UTIME_OMIT; ts[1].tv_nsec = UTIME_NOW;
	check(utimensat(AT_FDCWD, D "/f", ts, 0) == 0 && stat(D "/f", &st) == 0 &&
	      st.st_atim.tv_sec == 1000000000 && st.st_mtim.tv_sec > 1200000000, "UTIME_OMIT/NOW");
	ts[0].tv_nsec = 1000000000;
	check(fails(utimensat(AT_FDCWD, D "/f", ts, 0), EINVAL), "utimensat bad nsec");
	check(futimens(fd, NULL) == 0, "futimens");
	close(fd);

	dfd = open(D, O_RDONLY | O_DIRECTORY);
	check(mkdirat(dfd, "sub", 0755) == 0, "mkdirat");
	check(symlinkat("f", dfd, "ln") == 0, "symlinkat");
	check(readlinkat(dfd, "ln", buf, sizeof(buf)) == 1 && buf[0] == 'f', "readlinkat");
	check(linkat(dfd, "f", dfd, "sub/hard", 0) == 0 && stat(D "/f", &st) == 0 &&
	      st.st_nlink == 2, "linkat");
	check(fails(syscall(SYS_renameat2, dfd, "ln", dfd, "f", 1), EEXIST), "renameat2 noreplace");
	check(renameat(dfd, "ln", dfd, "ln2") == 0, "renameat");
	check(utimensat(dfd, "ln2", NULL, AT_SYMLINK_NOFOLLOW) == 0 || errno == EOPNOTSUPP,
	      "utimensat nofollow");
	check(fchmodat(dfd, "f", 0600, 0) == 0 && stat(D "/f", &st) == 0 &&
	      (st.st_mode & 07777) == 0600, "fchmodat");
	fd = open(D "/f", O_RDONLY);
	check(fchmod(fd, 0640) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0640, "fchmod");
	close(fd);
	check(chmod(D "/f", 0644) == 0, "chmod");
	check(faccessat(dfd, "f", R_OK, 0) == 0, "faccessat");
	check(fails(unlinkat(dfd, "sub", 0), EISDIR), "unlinkat dir");
	check(unlinkat(dfd, "sub/hard", 0) == 0 && unlinkat(dfd, "sub", AT_REMOVEDIR) == 0,
	      "unlinkat");
	check(fchdir(dfd) == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, D) == 0, "fchdir");
	check(fails(umount(D), EBUSY), "umount busy");
	check(chdir("/") == 0, "chdir");
	close(dfd);
	unlinkat(AT_FDCWD, D "/ln2", 0);
	unlinkat(AT_FDCWD, D "/f", 0);
	sync();
	check(umount(D) == 0, "umount");
	check(fails(umount(D), EINVAL), "umount not mounted");
	check(stat(D, &st) == 0 && st.st_dev == under, "the directory under it again");
	rmdir(D);
	printf("fsys ok %d of %d\n", ok, n);
	return 0;
}
"""

# blkcheck DEV OFF LEN WOFF: size by SEEK_END and BLKGETSIZE64, a checksum of
# LEN bytes at OFF, 700 pattern bytes written at WOFF, a read past the end.
BLKCHECK = r"""
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define BLKGETSIZE64 0x80081272

static unsigned long sum(const unsigned char *p, size_t n)
{
	unsigned long s = 0;
	for (size_t i = 0; i < n; i++)
		s = s * 31 + p[i];
	return s & 0xffffffff;
}

int main(int argc, char **argv)
{
	unsigned char buf[4096];
	unsigned long long size64 = 0;
	long got;
	int fd;

	if (argc < 5 || (fd = open(argv[1], O_RDWR)) < 0) {
		perror("blkcheck");
		return 1;
	}
	long off = strtol(argv[2], 0, 0), len = strtol(argv[3], 0, 0), woff = strtol(argv[4], 0, 0);
	printf("size %lld", (long long)lseek(fd, 0, SEEK_END));
	printf(" getsize64 %lld\n", ioctl(fd, BLKGETSIZE64, &size64) ? -1LL : (long long)size64);
	lseek(fd, off, SEEK_SET);
	got = read(fd, buf, len);
	printf("read %ld sum %lu\n", got, sum(buf, len));
	for (int i = 0; i < 700; i++)
		buf[i] = (unsigned char)(i * 13 + 1);
	lseek(fd, woff, SEEK_SET);
	got = write(fd, buf, 700);
	printf("wrote %ld", got);
	printf(" fsync %d\n", fsync(fd));
	lseek(fd, 0, SEEK_END);
	got = read(fd, buf, 16);
	printf("past end %ld\n", got);
	return 0;
}
"""
PROGRAMS = {"fsyscheck": FSYSCHECK, "blkcheck": BLKCHECK}


def checksum(data):
    s = 0
    for b in data:
        s = (s * 31 + b) & 0xFFFFFFFF
    return s


def written_pattern():
    return bytes((i * 13 + 1) & 0xFF for i in range(700))


def partition_bytes():
    """What partition 1 holds: MAGIC then a position-dependent pattern."""
    size = 16 * SECTOR
    return MAGIC + bytes((j * 7 + 3) & 0xFF for j in range(len(MAGIC), size))


def make_image(path):
    img = bytearray(DISK_SECTORS * SECTOR)
    img[446:462] = struct.pack("<B3sB3sII", 0, b"\0" * 3, 0x83, b"\0" * 3,
                               PART_START, PART_SECTORS)
    img[510:512] = b"\x55\xaa"
    data = partition_bytes()
    img[PART_START * SECTOR:PART_START * SECTOR + len(data)] = data
    path.write_bytes(bytes(img))
    return path


def _extra_dir():
    return kshell.programs("fsys", PROGRAMS)


@pytest.fixture(scope="module")
def fsys():
    extra = _extra_dir()
    try:
        return kbuild.build("fsys", defconfig="qemu_defconfig", fragment=FRAGMENT,
                            goals=("all", "iso", "USR_EXTRA=%s" % extra))
    except kbuild.BuildError as e:
        pytest.fail("building the fsys kernel failed:\n%s" % e, pytrace=False)


def iso_with_cmdline(b, cmdline, tag):
    """Build.iso_with_cmdline would drop USR_EXTRA from the archive: rebuild with it."""
    extra = "USR_EXTRA=%s" % _extra_dir()
    iso = b.odir / ("tessera-%s.iso" % tag)
    for dest, args in ((iso, ["CMDLINE=%s" % cmdline]), (b.iso, [])):
        kbuild.make(b.odir, "-j%s" % kbuild.JOBS, "all", "iso", "KCFLAGS=-Werror", extra, *args)
        shutil.copyfile(b.odir / "tessera.iso", dest)
    return iso


def drive_args(image, kind):
    return ["-boot", "d", "-drive", "file=%s,format=raw,%s" % (image, DRIVES[kind][0])]


def test_fsyscheck_passes_on_linux(tmp_path):
    """The same program on the host (as root: mount needs it) pins down Linux's answers."""
    if os.geteuid() != 0:
        pytest.skip("mount on the host needs root")
    d = _extra_dir()
    out = subprocess.run([str(d / "fsyscheck")], capture_output=True, text=True, timeout=30)
    assert re.search(r"fsys ok (\d+) of \1$", out.stdout.strip()), out.stdout


@pytest.mark.parametrize("kind", sorted(DRIVES))
def test_block_nodes_read_and_write(fsys, boot, tmp_path, kind):
    name, major = DRIVES[kind][1:]
    image = make_image(tmp_path / "d.img")
    q = kshell.shell(boot, fsys.iso, drive_args(image, kind))
    names = kshell.run(q, "ls /dev").split()
    assert name in names and name + "1" in names
    st = kshell.run(q, "stat /dev/%s1" % name)
    assert "block special file" in st and "Device type: %d,1" % major in st, st
    assert "Device type: %d,0" % major in kshell.run(q, "stat /dev/%s" % name)
    assert kshell.run(q, "head -c 16 /dev/%s1" % name) == MAGIC.decode()
    out = kshell.run(q, "blkcheck /dev/%s1 %d %d %d" % (name, READ_OFF, READ_LEN, WRITE_OFF))
    size = PART_SECTORS * SECTOR
    assert "size %d getsize64 %d" % (size, size) in out, out
    assert "read %d sum %d" % (READ_LEN, checksum(partition_bytes()[READ_OFF:READ_OFF + READ_LEN])) in out, out
    assert "wrote 700 fsync 0" in out and "past end 0" in out, out
    q.kill()
    data = image.read_bytes()
    at = PART_START * SECTOR + WRITE_OFF
    assert data[at:at + 700] == written_pattern()
    assert data[at - 100:at] == partition_bytes()[WRITE_OFF - 100:WRITE_OFF]   # bytes kept around it


def test_tools_on_ramfs(fsys, boot):
    q = kshell.shell(boot, fsys.iso)
    kshell.run(q, "mkdir -p /mnt")
    assert kshell.run(q, "mount -t ramfs none /mnt") == ""
    assert kshell.run(q, "touch /mnt/a && echo made") == "made"
    st = kshell.run(q, "stat /mnt/a")
    assert "File: /mnt/a" in st and "regular empty file" in st and "Access: (0644/-rw-r--r--)" in st, st
    assert re.search(r"Modify: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000", st), st
    df = kshell.run(q, "df /mnt")
    assert "1K-blocks" in df and "Mounted on" in df and "/mnt" in df, df
    assert kshell.run(q, "sync; echo $?") == "0"
    kshell.run(q, "mount -o remount,ro /mnt")
    assert "Read-only file system" in kshell.run(q, "touch /mnt/b")
    kshell.run(q, "mount -o remount,rw /mnt")
    assert kshell.run(q, "touch /mnt/b && echo made") == "made"
    kshell.run(q, "cd /mnt")
    assert "busy" in kshell.run(q, "umount /mnt")
    kshell.run(q, "cd /")
    assert kshell.run(q, "umount /mnt; echo $?") == "0"
    assert kshell.run(q, "ls /mnt") == ""
    assert "Invalid argument" in kshell.run(q, "umount /mnt")


def test_fs_calls_errno_and_efault(fsys, boot):
    q = kshell.shell(boot, fsys.iso, ["-cpu", "max"])
    out = kshell.run(q, "fsyscheck")
    assert re.search(r"fsys ok (\d+) of \1$", out), out
    assert kshell.run(q, "echo alive") == "alive"


def test_root_that_fails_falls_back_to_initramfs(fsys, boot, tmp_path):
    iso = iso_with_cmdline(fsys, "root=/dev/sda1 rootfstype=nosuchfs", "badroot")
    q = kshell.shell(boot, iso, drive_args(make_image(tmp_path / "d.img"), "ata"))
    assert re.search(r"vfs: cannot mount root=/dev/sda1 rootfstype=nosuchfs \(error -\d+\): "
                     r"using the initramfs", q.serial), q.tail()
    assert kshell.run(q, "echo alive") == "alive"


def ext2_image(fsys, tmp_path):
    """An MBR disk whose partition 1 is an ext2 holding the initramfs's programs."""
    assert fsys.enabled("FS_EXT2"), "the test kernel lost CONFIG_FS_EXT2"
    if not shutil.which("mke2fs") or not shutil.which("debugfs"):
        pytest.skip("mke2fs/debugfs not installed (Debian e2fsprogs)")
    root = tmp_path / "root"
    for d in ("bin", "sbin", "dev", "proc", "tmp", "etc", "mnt"):
        (root / d).mkdir(parents=True)
    for prog in (fsys.odir / "usr" / "bin").iterdir():
        shutil.copy(prog, root / ("sbin" if prog.name == "init" else "bin") / prog.name)
    (root / "etc" / "motd").write_text("hello from ext2\n")
    image = tmp_path / "ext2.img"
    img = bytearray(DISK_SECTORS * SECTOR)
    img[446:462] = struct.pack("<B3sB3sII", 0, b"\0" * 3, 0x83, b"\0" * 3,
                               PART_START, DISK_SECTORS - PART_START)
    img[510:512] = b"\x55\xaa"
    image.write_bytes(bytes(img))
    subprocess.run(["mke2fs", "-q", "-t", "ext2", "-b", "1024", "-d", str(root),
                    "-E", "offset=%d" % (PART_START * SECTOR), "-F", str(image),
                    "%dk" % ((DISK_SECTORS - PART_START) * SECTOR // 1024)], check=True)
    return image


def ext2_cat(image, path, tmp_path):
    """A file's bytes in partition 1, read on the host by debugfs."""
    part = tmp_path / "part.img"
    part.write_bytes(image.read_bytes()[PART_START * SECTOR:])
    fsck = subprocess.run(["e2fsck", "-fn", str(part)], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    out = subprocess.run(["debugfs", "-R", "cat %s" % path, str(part)], capture_output=True,
                         text=True)
    return out.stdout


def test_mount_ext2_write_umount(fsys, boot, tmp_path):
    image = ext2_image(fsys, tmp_path)
    q = kshell.shell(boot, fsys.iso, drive_args(image, "ata"))
    out = kshell.run(q, "mkdir -p /mnt; mount -t ext2 /dev/sda1 /mnt; echo $?")
    assert out.splitlines()[-1] == "0"
    assert kshell.run(q, "cat /mnt/etc/motd") == "hello from ext2"
    kshell.run(q, "echo written > /mnt/new")
    assert "/dev/sda1" in kshell.run(q, "df /mnt")
    assert kshell.run(q, "umount /mnt; echo $?") == "0"  # umount writes everything back
    q.kill()
    assert ext2_cat(image, "/new", tmp_path) == "written\n"


def test_root_on_ext2(fsys, boot, tmp_path):
    image = ext2_image(fsys, tmp_path)
    iso = iso_with_cmdline(fsys, "root=/dev/sda1 rootfstype=ext2", "ext2root")
    q = kshell.shell(boot, iso, drive_args(image, "ata"))
    assert "vfs: root is /dev/sda1 (read-write), devfs on /dev" in q.serial
    assert kshell.run(q, "cat /etc/motd") == "hello from ext2"
    if fsys.enabled("FS_PROC"):
        assert "/dev/sda1 / ext2 rw" in kshell.run(q, "mount")
    kshell.run(q, "echo persisted > /etc/new; sync")
    q.kill()
    assert ext2_cat(image, "/etc/new", tmp_path) == "persisted\n"


def test_root_on_ext2_read_only_type_found(fsys, boot, tmp_path):
    """No rootfstype=: each disk filesystem type is tried; ro mounts it read-only."""
    image = ext2_image(fsys, tmp_path)
    iso = iso_with_cmdline(fsys, "root=/dev/sda1 ro", "ext2ro")
    q = kshell.shell(boot, iso, drive_args(image, "ata"))
    assert "vfs: root is /dev/sda1 (read-only), devfs on /dev" in q.serial, q.tail()
    assert kshell.run(q, "cat /etc/motd") == "hello from ext2"
    assert "Read-only file system" in kshell.run(q, "touch /etc/x")
    assert "sda1" in kshell.run(q, "ls /dev").split()
