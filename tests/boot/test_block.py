"""
PCI and block devices in the guest: the PCI scan finds QEMU's host bridge;
an ATA disk (-drive if=ide on pc), a virtio-blk disk (-drive if=virtio: the
legacy transport; disable-legacy=on: the modern one) and an AHCI disk (-M q35 -drive if=ide) are listed with their MBR partition; the block KTESTs read sector 0 (0x55AA),
known pattern sectors of partition 1, and write a scratch sector that the
host then finds in the image; the buffer cache KTESTs pass on both; a read
error injected with QEMU's blkdebug on sector 0 is reported (-EIO) and the
boot goes on.
"""
import re
import struct

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
    iso = block_kernel.iso_with_cmdline("ktest=pci", "ktest-pci")
    q = boot(iso)
    m = q.expect(r"# ktest: pass:(\d+) fail:(\d+)", timeout=KTEST_TIMEOUT)
    assert q.wait_exit(30) == 0
    assert "ok 1 bars_sane" in q.serial and "ok 2 host_bridge_found" in q.serial, q.tail()
    assert int(m.group(2)) == 0 and int(m.group(1)) == 2, m.group(0)


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
