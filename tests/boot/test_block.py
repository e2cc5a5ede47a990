"""
PCI and block devices in the guest: the PCI scan finds QEMU's host bridge;
an ATA disk (-drive if=ide on pc), a virtio-blk disk (-drive if=virtio: the
legacy transport; disable-legacy=on: the modern one) and an AHCI disk (-M q35 -drive if=ide) are listed with their MBR partition; the block KTESTs read sector 0 (0x55AA),
known pattern sectors of partition 1, and write a scratch sector that the
host then finds in the image; the buffer cache KTESTs pass on both; a read
error injected with QEMU's blkdebug on sector 0 is reported (-EIO) and the
boot goes on. Each driver completes requests by interrupt (MSI-X for
virtio, MSI for AHCI, IRQ 14 for ATA: log lines and the blkirq KTESTs'
counters), a request that times out is -EIO, q35's config space is read
through ECAM, logical partitions of an extended one are listed, `make disk`
gives an image whose filesystems pass fsck, and blkbench prints polled and
interrupt-driven read speeds.
"""
import json
import re
import shutil
import struct
import subprocess

import pytest

from boot import build as kbuild

FRAGMENT = ["CONFIG_KTEST=y", "CONFIG_PCI=y", "CONFIG_BLOCK=y",
            "CONFIG_BLK_ATA=y", "CONFIG_BLK_VIRTIO=y", "CONFIG_BLK_AHCI=y",
            "CONFIG_BLK_CACHE=y"]
KTEST_TIMEOUT = 120

SECTOR = 512
DISK_SECTORS = 16 * 2048                # 16 MiB
PART_START, PART_SECTORS = 2048, 8192
MAGIC = b"TESSERA-BLKTEST!"             # drivers/block/blk_test.c BLK_TEST_MAGIC
PATTERN_SECTORS = 8
SCRATCH = 8                             # partition sector the write KTEST overwrites

# The disk is on IDE/virtio with a boot signature but no boot code: boot the CD.
# kind: (machine args, -drive interface, disk name, the driver's log line)
DRIVES = {
    "ata": ([], "if=ide", "sda", r"ata: sda: 0x1f0 master, \"QEMU HARDDISK\""),
    "virtio": ([], "if=virtio", "vda", r"virtio-blk: vda: pci 00:\w\w\.0 io 0x[0-9a-f]+"),
    "virtio-modern": (["-device", "virtio-blk-pci,drive=d0,disable-legacy=on"], "if=none,id=d0",
                      "vda", r"virtio-blk: vda: pci 00:\w\w\.0 modern, queue \d+"),
    "ahci": (["-M", "q35"], "if=ide", "sda", r"ahci: sda: pci 00:1f\.2 port 0, \"QEMU HARDDISK\""),
}
# How each driver's interrupt is set up (drivers/block/*.c log lines).
IRQ_LINES = {
    "ata": r"ata: irq 14 for channel 0x1f0",
    "virtio": r"virtio-blk: vda using MSI-X vector \d+",
    "virtio-modern": r"virtio-blk: vda using MSI-X vector \d+",
    "ahci": r"ahci: 00:1f\.2 using MSI vector \d+",
}
# Config space: ECAM from the MCFG table on q35, the ports on pc (no MCFG).
CONFIG_SPACE_LINES = {
    "ahci": r"pci: ECAM at 0xb0000000 for buses 00-ff \(ACPI MCFG\)",
}
PORTS_LINE = r"pci: configuration through ports 0xcf8/0xcfc \(no usable MCFG\)"


def pattern_sector(s):
    return MAGIC + bytes((s * 7 + j) & 0xFF for j in range(len(MAGIC), SECTOR))


def make_image(path):
    """An MBR with one Linux partition at 2048 whose first sectors hold a pattern."""
    img = bytearray(DISK_SECTORS * SECTOR)
    img[446:462] = struct.pack("<B3sB3sII", 0, b"\0" * 3, 0x83, b"\0" * 3,
                               PART_START, PART_SECTORS)
    img[510:512] = b"\x55\xaa"
    for s in range(PATTERN_SECTORS):
        off = (PART_START + s) * SECTOR
        img[off:off + SECTOR] = pattern_sector(s)
    path.write_bytes(bytes(img))
    return path


@pytest.fixture(scope="module")
def block_kernel():
    try:
        return kbuild.build("block", defconfig="debug_defconfig", fragment=FRAGMENT)
    except kbuild.BuildError as e:
        pytest.fail("building the block kernel failed:\n%s" % e, pytrace=False)


def drive_args(image, kind):
    machine, iface = DRIVES[kind][:2]
    return machine + ["-boot", "d", "-drive", "file=%s,format=raw,%s" % (image, iface)]


@pytest.mark.parametrize("kind", sorted(DRIVES))
def test_disk_and_partition_listed(block_kernel, boot, tmp_path, kind):
    name, driver_line = DRIVES[kind][2:]
    q = boot(block_kernel.iso, extra_args=drive_args(make_image(tmp_path / "d.img"), kind))
    q.expect(r"pci: 00:00\.0 8086:(1237|29c0) class 0600 host bridge")
    q.expect(driver_line)
    q.expect(r"blk: %s: %d sectors of 512 bytes \(16 MiB\)" % (name, DISK_SECTORS))
    q.expect(r"blk: %s: MBR partition table, 1 partitions" % name)
    q.expect(r"blk: %s1: start %d, %d sectors" % (name, PART_START, PART_SECTORS))
    q.expect(r"boot complete")
    assert re.search(IRQ_LINES[kind], q.serial), q.tail()
    assert re.search(CONFIG_SPACE_LINES.get(kind, PORTS_LINE), q.serial), q.tail()
    assert "lockdep:" not in q.serial, q.tail()


@pytest.mark.parametrize("kind", sorted(DRIVES))
def test_block_ktests(block_kernel, boot, tmp_path, kind):
    image = make_image(tmp_path / "d.img")
    iso = block_kernel.iso_with_cmdline("ktest=block", "ktest-block")
    q = boot(iso, extra_args=drive_args(image, kind))
    m = q.expect(r"# ktest: pass:(\d+) fail:(\d+) skip:(\d+)", timeout=KTEST_TIMEOUT)
    status = q.wait_exit(30)
    for case in ("mbr_signature", "known_pattern", "write_read_back", "range_checked"):
        assert re.search(r"    ok \d+ %s\r?\n" % case, q.serial), (case, q.tail())
    assert (int(m.group(1)), int(m.group(2)), int(m.group(3))) == (4, 0, 0), m.group(0)
    assert status == 0, "QEMU exit status %d" % status
    data = image.read_bytes()
    off = (PART_START + SCRATCH) * SECTOR
    assert data[off:off + SECTOR] == bytes((j ^ 0x5A) & 0xFF for j in range(SECTOR))
    assert data[PART_START * SECTOR:(PART_START + 1) * SECTOR] == pattern_sector(0)


def test_pci_ktests(block_kernel, boot):
    """pc: no MCFG and no MSI user, so those two cases skip."""
    iso = block_kernel.iso_with_cmdline("ktest=pci", "ktest-pci")
    q = boot(iso)
    m = q.expect(r"# ktest: pass:(\d+) fail:(\d+) skip:(\d+)", timeout=KTEST_TIMEOUT)
    assert q.wait_exit(30) == 0
    assert re.search(r"ok \d+ bars_sane", q.serial), q.tail()
    assert re.search(r"ok \d+ host_bridge_found", q.serial), q.tail()
    assert (int(m.group(1)), int(m.group(2)), int(m.group(3))) == (2, 0, 2), m.group(0)


@pytest.mark.parametrize("kind", ["ahci", "virtio"])
def test_pci_ktests_ecam_msi(block_kernel, boot, tmp_path, kind):
    """With a disk whose driver took MSI (AHCI on q35, through ECAM) or MSI-X
    (virtio on pc), the capability reads back as programmed."""
    image = make_image(tmp_path / "d.img")
    iso = block_kernel.iso_with_cmdline("ktest=pci", "ktest-pci")
    q = boot(iso, extra_args=drive_args(image, kind))
    m = q.expect(r"# ktest: pass:(\d+) fail:(\d+) skip:(\d+)", timeout=KTEST_TIMEOUT)
    assert q.wait_exit(30) == 0
    assert re.search(r"ok \d+ msi_programmed\r?\n", q.serial), q.tail()
    want = (4, 0, 0) if kind == "ahci" else (3, 0, 1)      # ECAM only on q35
    assert (int(m.group(1)), int(m.group(2)), int(m.group(3))) == want, m.group(0)


def test_no_disk_block_ktests_skip(block_kernel, boot):
    """Only the CD-ROM (ATAPI, not a disk) is attached: nothing registers, KTESTs skip."""
    iso = block_kernel.iso_with_cmdline("ktest=block", "ktest-block")
    q = boot(iso)
    q.expect(r"blk: no block devices")
    m = q.expect(r"# ktest: pass:(\d+) fail:(\d+) skip:(\d+)", timeout=KTEST_TIMEOUT)
    assert q.wait_exit(30) == 0
    assert int(m.group(2)) == 0 and int(m.group(3)) == 4, m.group(0)


@pytest.mark.parametrize("kind", sorted(DRIVES))
def test_bcache_ktests(block_kernel, boot, tmp_path, kind):
    image = make_image(tmp_path / "d.img")
    iso = block_kernel.iso_with_cmdline("ktest=bcache", "ktest-bcache")
    q = boot(iso, extra_args=drive_args(image, kind))
    m = q.expect(r"# ktest: pass:(\d+) fail:(\d+) skip:(\d+)", timeout=KTEST_TIMEOUT)
    assert q.wait_exit(30) == 0
    assert (int(m.group(1)), int(m.group(2)), int(m.group(3))) == (3, 0, 0), q.tail()
    off = (PART_START + 9) * SECTOR                 # bcache_test.c BC_TEST_SCRATCH
    assert image.read_bytes()[off:off + SECTOR] == bytes((j * 3 + 1) & 0xFF
                                                         for j in range(SECTOR))


@pytest.mark.parametrize("kind", sorted(DRIVES))
def test_read_error_is_eio(block_kernel, boot, tmp_path, kind):
    """blkdebug fails every read of sector 0: the partition scan gets -EIO, boot goes on."""
    name, driver_line = DRIVES[kind][2:]
    image = make_image(tmp_path / "d.img")
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "0"\n')
    q = boot(block_kernel.iso, extra_args=drive_args("blkdebug:%s:%s" % (conf, image), kind))
    q.expect(driver_line)
    q.expect(r"blk: %s: unreadable partition table \(error -5\), whole disk only" % name)
    q.expect(r"boot complete")
    assert "%s1:" % name not in q.serial
    assert re.search(IRQ_LINES[kind], q.serial), q.tail()


@pytest.mark.parametrize("kind", sorted(DRIVES))
def test_interrupt_completion_ktests(block_kernel, boot, tmp_path, kind):
    """blkirq: reads complete by interrupt (counters move), blk_poll reads the
    same bytes, and a request given a 1 ns timeout is -EIO with the disk
    working afterwards (skipped when the device finished before any wait)."""
    image = make_image(tmp_path / "d.img")
    iso = block_kernel.iso_with_cmdline("ktest=blkirq", "ktest-blkirq")
    q = boot(iso, extra_args=drive_args(image, kind))
    m = q.expect(r"# ktest: pass:(\d+) fail:(\d+) skip:(\d+)", timeout=KTEST_TIMEOUT)
    assert q.wait_exit(30) == 0, q.tail()
    assert int(m.group(2)) == 0, q.tail()
    assert re.search(r"    ok \d+ interrupt_completion\r?\n", q.serial), q.tail()
    assert re.search(r"    ok \d+ polling_reads_the_same\r?\n", q.serial), q.tail()
    assert re.search(r"    ok \d+ timeout_is_eio", q.serial), q.tail()
    timed = re.search(r"blkirq: \w+: request with a 1 ns timeout: (-?\d+)", q.serial)
    assert timed and timed.group(1) in ("-5", "0"), q.tail()
    assert int(m.group(1)) + int(m.group(3)) == 3, m.group(0)


def run_sfdisk(image, script):
    sfdisk = shutil.which("sfdisk") or "/usr/sbin/sfdisk"
    subprocess.run([sfdisk, "--quiet", str(image)], input=script, text=True, check=True)


@pytest.mark.parametrize("kind", ["ata", "virtio"])
def test_logical_partitions(block_kernel, boot, tmp_path, kind):
    """An extended partition made by sfdisk: its logical partitions are 5 and 6."""
    name = DRIVES[kind][2]
    image = tmp_path / "ext.img"
    image.write_bytes(bytes(DISK_SECTORS * SECTOR))
    run_sfdisk(image, "label: dos\n"
                      "start=2048, size=4096, type=83\n"
                      "start=8192, size=16384, type=5\n"
                      "start=10240, size=2048, type=83\n"
                      "start=14336, size=4096, type=c\n")
    q = boot(block_kernel.iso, extra_args=drive_args(image, kind))
    q.expect(r"blk: %s: MBR partition table, 3 partitions" % name)
    q.expect(r"blk: %s1: start 2048, 4096 sectors" % name)
    q.expect(r"blk: %s5: start 10240, 2048 sectors" % name)
    q.expect(r"blk: %s6: start 14336, 4096 sectors" % name)
    q.expect(r"boot complete")
    assert "%s2:" % name not in q.serial, "the extended container is not a device"


@pytest.mark.parametrize("kind", sorted(DRIVES))
def test_blkbench(block_kernel, boot, tmp_path, kind):
    """Sequential 1 MiB read, interrupt-driven then polled: printed, not judged."""
    image = make_image(tmp_path / "d.img")
    iso = block_kernel.iso_with_cmdline("ktest=blkbench", "ktest-blkbench")
    q = boot(iso, extra_args=drive_args(image, kind))
    q.expect(r"# ktest: pass:1 fail:0", timeout=KTEST_TIMEOUT)
    assert q.wait_exit(30) == 0
    runs = [json.loads(m) for m in re.findall(r"blkbench: (\{.*\})", q.serial)]
    assert [r["mode"] for r in runs] == ["irq", "poll"], q.tail()
    for r in runs:
        assert r["error"] == 0 and r["bytes"] == 1 << 20, r
        print("blkbench %s: %s" % (kind, json.dumps(r)))


def make_disk(odir, *args):
    """`make O=odir disk ...`, away from the variables of a make that runs us."""
    env = kbuild.clean_env()
    for var in ("DISK", "DISK_SIZE", "DISK_DIR"):
        env.pop(var, None)
    subprocess.run(["make", "-C", str(kbuild.REPO), "O=%s" % odir, "disk"] + list(args),
                   check=True, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return odir / "disk.img"


def mkdisk_partitions(image):
    out = subprocess.run(["/usr/sbin/sfdisk", "--json", str(image)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)["partitiontable"]["partitions"]


def extract(image, part, dest):
    with open(image, "rb") as src, open(dest, "wb") as out:
        src.seek(part["start"] * SECTOR)
        out.write(src.read(part["size"] * SECTOR))
    return dest


@pytest.mark.parametrize("size", [64, 16])
def test_make_disk_fsck_clean(tmp_path, size):
    """`make disk`: partition 1 passes e2fsck -fn, partition 2 fsck.fat -n, and
    both hold DISK_DIR's files."""
    folder = tmp_path / "files"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("alpha\n")
    (folder / "sub" / "b.bin").write_bytes(bytes(range(256)) * 64)
    image = make_disk(tmp_path / "obj", "DISK_SIZE=%d" % size, "DISK_DIR=%s" % folder)
    assert image.stat().st_size == size << 20
    parts = mkdisk_partitions(image)
    assert [p["type"] for p in parts] == ["83", "c" if size >= 64 else "e"], parts
    ext2 = extract(image, parts[0], tmp_path / "p1.img")
    fat = extract(image, parts[1], tmp_path / "p2.img")
    subprocess.run(["/usr/sbin/e2fsck", "-fn", str(ext2)], check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    subprocess.run(["/usr/sbin/fsck.fat", "-n", str(fat)], check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    listing = subprocess.run(["/usr/sbin/debugfs", "-R", "ls -l /sub", str(ext2)], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    assert "b.bin" in listing and "16384" in listing, listing
    got = subprocess.run(["mtype", "-i", str(fat), "::/a.txt"], check=True,
                         stdout=subprocess.PIPE, env={"MTOOLS_SKIP_CHECK": "1", "PATH": "/usr/bin:/bin"},
                         text=True).stdout
    assert got == "alpha\n"


def test_make_disk_boots(block_kernel, boot, tmp_path):
    """The default `make disk` image: the kernel sees its ext2 and FAT partitions."""
    image = make_disk(tmp_path / "obj")
    q = boot(block_kernel.iso, extra_args=["-boot", "d", "-drive",
                                           "file=%s,if=none,id=d0,format=raw" % image,
                                           "-device", "virtio-blk-pci,drive=d0"])
    q.expect(r"blk: vda: 131072 sectors of 512 bytes \(64 MiB\)")
    q.expect(r"blk: vda: MBR partition table, 2 partitions")
    q.expect(r"blk: vda1: start 2048, 49152 sectors")
    q.expect(r"blk: vda2: start 51200, 79872 sectors")
    q.expect(r"boot complete")
