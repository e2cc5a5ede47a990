"""
bench/user/ubench on the Linux host (it is a static binary): every line is
one JSON object with the documented fields, every benchmark is there, and
the Linux-guest initramfs bench/linux.py builds has /init and /dev/console.
No timing assertions: the figures only have to be positive numbers.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import linux  # noqa: E402
import userbench  # noqa: E402

CORE = ["tsc", "getpid", "syscall_getpid", "sched_yield", "yield_pingpong", "pipe_pingpong",
        "fork_exit_wait", "page_fault", "mmap_touch_munmap", "fork_exec_wait", "done"]
FS = ["fs_seq_write", "fs_seq_read", "fs_create_1k", "fs_unlink"]

pytestmark = pytest.mark.skipif(not shutil.which("musl-gcc"),
                                reason="musl-gcc is not installed (Debian musl-tools; 'make deps')")


@pytest.fixture(scope="module")
def ubench(tmp_path_factory):
    out = tmp_path_factory.mktemp("ubench")
    return Path(userbench.build_ubench(str(out))) / "ubench"


def run(ubench, *args, cwd=None):
    proc = subprocess.run([str(ubench)] + list(args), capture_output=True, text=True,
                          timeout=300, cwd=cwd)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_static_and_alone_in_its_folder(ubench):
    assert [p.name for p in ubench.parent.iterdir()] == ["ubench"]   # usable as USR_EXTRA
    assert b"\x7fELF" == ubench.read_bytes()[:4]
    assert "statically linked" in subprocess.run(["file", str(ubench)], capture_output=True,
                                                  text=True).stdout or not shutil.which("file")


def test_core_benchmarks_print_json(ubench):
    results = run(ubench, "--quick")
    assert [r["bench"] for r in results] == CORE
    assert results[0]["mhz"] > 0
    for r in results[1:-1]:
        assert r["cycles_per_op"] > 0 and r["ops"] > 0 and r["rounds"] >= 5, r
    assert {r["bench"]: r.get("ops") for r in results}["page_fault"] == 1024   # 4 MiB / 4 KiB


def test_fs_benchmarks_clean_up(ubench, tmp_path):
    results = run(ubench, "--no-core", "--fs", str(tmp_path))
    assert [r["bench"] for r in results] == ["tsc"] + FS + ["done"]
    for r in results[1:-1]:
        assert r.get("mb_per_s", r.get("files_per_s", 0)) > 0 and r["dir"] == str(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_fs_error_is_reported_as_json(ubench, tmp_path):
    proc = subprocess.run([str(ubench), "--no-core", "--fs", str(tmp_path / "missing")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    last = json.loads(proc.stdout.splitlines()[-1])
    assert last["bench"] == "error" and last["errno"] == 2      # ENOENT


def test_bad_option_is_refused(ubench):
    proc = subprocess.run([str(ubench), "--bogus"], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage" in proc.stderr


def test_linux_initramfs_layout(ubench, tmp_path):
    cpio = linux.initramfs(str(ubench), str(tmp_path / "i.cpio"))
    data = Path(cpio).read_bytes()
    for name in (b"init\0", b"dev/console\0", b"bin/ubench\0", b"tmp\0"):
        assert name in data
    args = linux.qemu_args("vmlinuz", cpio, ["--fs", "/tmp"])
    assert args[args.index("-cpu") + 1] == "qemu64" and args[args.index("-m") + 1] == "256"
    assert args[-1].endswith("-- --poweroff --fs /tmp")


def test_table_ratio_direction():
    tess = [{"bench": "getpid", "cycles_per_op": 1000, "unit": "syscall"},
            {"bench": "fs_seq_read", "mb_per_s": 200.0, "dir": "/tmp"}]
    lin = [{"bench": "getpid", "cycles_per_op": 2000, "unit": "syscall"},
           {"bench": "fs_seq_read", "mb_per_s": 100.0, "dir": "/tmp"}]
    rows = userbench.table([tess], [lin]).splitlines()[2:]
    assert rows[0].endswith("| 2.00 |") and rows[1].endswith("| 2.00 |")


def test_table_of_several_runs_shows_median_and_range():
    def run(t, l):
        return ([{"bench": "getpid", "cycles_per_op": t, "unit": "syscall"}],
                [{"bench": "getpid", "cycles_per_op": l, "unit": "syscall"}])
    runs = [run(1000, 1000), run(1000, 3000), run(1000, 2000)]
    rows = userbench.table([t for t, _ in runs], [l for _, l in runs]).splitlines()
    assert rows[2] == "| getpid | cycles/syscall | 1000 | 2000 | 2.00 | 1.00-3.00 |"
