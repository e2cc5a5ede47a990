"""
Schedulers, threads and synchronisation: the host conformance suite against
each policy; with all three policies linked, every sched= value runs the
policy it names (the log says so) and passes the guest scheduler KTESTs; a
kernel that links only MLFQ ignores sched=rr with a warning; the sync
KTESTs pass with CONFIG_PREEMPT on and off; the console reader blocks, so
other threads run while it waits for keys.
"""
import re
import subprocess

import pytest

from boot import build as kbuild
from boot.kernels import Kernels, fragment_configs

POLICIES = ("rr", "mlfq", "stride")
ALL_THREE = ["CONFIG_SCHED_RR=y", "CONFIG_SCHED_MLFQ=y", "CONFIG_SCHED_STRIDE=y"]
# Configurations of this file, each built once (debug_defconfig has KTEST).
SCHED_CONFIGS = {
    # Without processes the boot thread ends in the kernel's echo prompt,
    # which test_console_reader_blocks watches block.
    "sched-all": ALL_THREE + ["CONFIG_DEBUG_LOCKS=y", "CONFIG_SCHED_TRACE=y",
                              "# CONFIG_PROCESSES is not set"],
    "sched-coop": ALL_THREE + ["# CONFIG_PREEMPT is not set"],
    "sched-mlfq-only": ["CONFIG_SCHED_DEFAULT_MLFQ=y", "# CONFIG_SCHED_RR is not set",
                        "# CONFIG_SCHED_STRIDE is not set"],
}
KTEST_TIMEOUT = 120


@pytest.fixture(scope="module")
def sched_kernels():
    return Kernels(fragment_configs(SCHED_CONFIGS, "debug_defconfig"))


def ktap_results(text, suite):
    """{case: ok} for one KTAP suite in the serial log."""
    body = text[text.index("# Subtest: %s" % suite):]
    body = body[:re.search(r"^(\[[ .0-9]+\] )?(not )?ok \d+ %s\s*$" % suite, body, re.M).end()]
    return {m.group(3): m.group(2) is None
            for m in re.finditer(r"^(\[[ .0-9]+\] )?\s+(not )?ok \d+ (\w+)", body, re.M)}


def run_ktests(boot, iso, suite):
    q = boot(iso)
    q.expect(r"# ktest: pass:\d+ fail:\d+", timeout=KTEST_TIMEOUT)
    status = q.wait_exit(30)
    log = q.serial
    print(log)
    results = ktap_results(log, suite)
    assert results and all(results.values()), "failed: %s" % [
        n for n, ok in results.items() if not ok]
    assert status == 0, "QEMU exit status %d" % status
    return log


# --- host: one conformance suite, three policies ------------------------------

@pytest.mark.parametrize("policy", POLICIES)
def test_host_conformance(policy):
    out = kbuild.BUILD_ROOT / "conformance"
    binary = out / ("sched_" + policy)
    subprocess.run(["make", "-s", "-C", str(kbuild.REPO / "tests/conformance"),
                    "srctree=%s" % kbuild.REPO, "OUT=%s" % out, str(binary)],
                   check=True, env=kbuild.clean_env())
    proc = subprocess.run([str(binary)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout
    assert "[  PASSED  ]" in proc.stdout and "FAILED" not in proc.stdout


# --- guest ----------------------------------------------------------------------

@pytest.mark.parametrize("policy", POLICIES)
def test_sched_param_picks_policy(sched_kernels, boot, policy):
    log = run_ktests(boot, sched_kernels.iso("sched-all", "sched=%s ktest=sched" % policy),
                     "sched")
    assert re.search(r"sched: %s \(.*\); linked: rr mlfq stride;" % policy, log), log
    assert "is not built in" not in log


def test_mlfq_only_ignores_rr(sched_kernels, boot):
    log = run_ktests(boot, sched_kernels.iso("sched-mlfq-only", "sched=rr ktest=sched"), "sched")
    assert re.search(r"sched: sched=rr is not built in \(linked: mlfq\); using the default, mlfq",
                     log), log
    assert re.search(r"sched: mlfq \(.*\); linked: mlfq;", log), log


def test_unknown_policy_falls_back(sched_kernels, boot):
    q = boot(sched_kernels.iso("sched-all", "sched=fifo"))
    q.expect(r"sched: sched=fifo is not built in \(linked: rr mlfq stride\); using the default, rr")
    q.expect(r"sched: rr \(")
    q.expect(r"boot complete")


@pytest.mark.parametrize("config", ["sched-all", "sched-coop"])
def test_sync_ktests(sched_kernels, boot, config):
    log = run_ktests(boot, sched_kernels.iso(config, "ktest=sync"), "sync")
    preempt = "preemptible" if config == "sched-all" else "cooperative"
    assert re.search(r"sched: rr \(.*\); linked: rr mlfq stride; %s," % preempt, log), log


def test_coop_sched_ktests(sched_kernels, boot):
    run_ktests(boot, sched_kernels.iso("sched-coop", "sched=stride ktest=sched"), "sched")


def test_console_reader_blocks(sched_kernels, boot):
    """The prompt's reader sleeps: a thread sleeping 300 ms still runs and
    dumps the switch trace, which shows the boot thread blocked."""
    q = boot(sched_kernels.iso("sched-all", "sched_trace_dump=300"))
    q.expect(r"tessera> ")
    q.expect(r"sched_trace: last \d+ of \d+ switches, policy rr")
    m = q.expect(r"\n[^\n]*\bboot\s+(\w+)\s+-?\d+\s+\d+")
    assert m.group(1) == "blocked", q.tail()
    q.child.send("hi\r")
    q.expect(r"hi")
