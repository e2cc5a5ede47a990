"""
The configuration front end (scripts/kconfig/kconfig.py) through the
Makefile: mistakes in defconfigs and fragments fail and name the culprit,
randconfig is replayable from its seed, and savedefconfig reproduces every
file in configs/.
"""
import re
import shutil

import pytest

from boot import build as kbuild

REPO = kbuild.REPO
DEFCONFIGS = kbuild.DEFCONFIGS


@pytest.fixture(scope="module")
def scratch_tree(tmp_path_factory):
    """A copy of the sources, so a broken defconfig never lands in configs/."""
    dest = tmp_path_factory.mktemp("src") / "tessera"
    shutil.copytree(REPO, dest, symlinks=True,
                    ignore=shutil.ignore_patterns(".git", "build", "__pycache__", "*.o"))
    return dest


def try_defconfig(tree, tmp_path, name, lines):
    (tree / "configs" / name).write_text("".join(line + "\n" for line in lines))
    odir = tmp_path / name
    status, out = kbuild.make(odir, name, check=False, tree=tree)
    return status, out, odir / ".config"


def test_good_defconfig_passes(scratch_tree, tmp_path):
    status, out, config = try_defconfig(scratch_tree, tmp_path, "good_defconfig",
                                        ['CONFIG_BUILD_NAME="good"', "CONFIG_KTEST=y"])
    assert status == 0, out
    assert 'CONFIG_BUILD_NAME="good"' in config.read_text()


def test_unknown_symbol_fails(scratch_tree, tmp_path):
    status, out, config = try_defconfig(scratch_tree, tmp_path, "unknown_defconfig",
                                        ['CONFIG_BUILD_NAME="x"', "CONFIG_NO_SUCH_OPTION=y"])
    print(out)
    assert status != 0, "an unknown symbol was accepted:\n" + out
    assert "NO_SUCH_OPTION" in out, out
    assert not config.exists(), "a .config was written anyway"


def test_value_that_does_not_take_fails(scratch_tree, tmp_path):
    # The baud rate depends on the serial driver, which is off.
    status, out, config = try_defconfig(scratch_tree, tmp_path, "notake_defconfig",
                                        ["# CONFIG_SERIAL_8250 is not set",
                                         "CONFIG_SERIAL_8250_BAUD=9600"])
    print(out)
    assert status != 0, "a value that cannot take was accepted:\n" + out
    assert "SERIAL_8250_BAUD" in out, out
    assert not config.exists(), "a .config was written anyway"


def test_out_of_range_value_fails(scratch_tree, tmp_path):
    status, out, _ = try_defconfig(scratch_tree, tmp_path, "range_defconfig",
                                   ["CONFIG_LOG_BUF_SHIFT=40"])
    print(out)
    assert status != 0 and "LOG_BUF_SHIFT" in out, out


def test_unknown_fragment_fails(tmp_path):
    status, out = kbuild.make(tmp_path / "o", "qemu_defconfig", "no_such_fragment.config",
                              check=False)
    print(out)
    assert status != 0, "an unknown fragment was accepted:\n" + out
    assert "no_such_fragment.config" in out, out


def randconfig(odir, seed=None):
    env = {"KCONFIG_SEED": seed} if seed else None
    status, out = kbuild.make(odir, "randconfig", env=env, check=False)
    assert status == 0, out
    m = re.search(r"KCONFIG_SEED=(0x[0-9a-fA-F]+)", out)
    assert m, "randconfig printed no seed:\n" + out
    return m.group(1), (odir / ".config").read_text()


def test_randconfig_seed_replays(tmp_path):
    seed, first = randconfig(tmp_path / "a")
    again_seed, again = randconfig(tmp_path / "b", seed)
    assert again_seed == seed
    assert again == first, "KCONFIG_SEED=%s gave two different .configs" % seed
    # The seed matters: some other seed gives another configuration.
    others = [randconfig(tmp_path / ("c%d" % i), "0x%x" % (0x1234 + i))[1] for i in range(4)]
    assert any(o != first for o in others), "every seed gives the same .config"


@pytest.mark.parametrize("defconfig", DEFCONFIGS)
def test_savedefconfig_round_trip(tmp_path, defconfig):
    odir = tmp_path / "o"
    kbuild.make(odir, defconfig)
    kbuild.make(odir, "savedefconfig")
    saved = (odir / "defconfig").read_text()
    original = (REPO / "configs" / defconfig).read_text()
    assert saved == original, "savedefconfig after %s gives:\n%s\nconfigs/%s is:\n%s" % (
        defconfig, saved, defconfig, original)
