#!/usr/bin/python3
"""
Runs the pmm_bench_* binaries one after another on one recorded trace
(recorded by the first binary with --save), prints their JSON lines
unchanged, then a "pmm_summary" line: ns per order-0 alloc+free pair of each
allocator on fresh and on fragmented memory, and whether buddy meets issue
5's target (<= 45 ns) in both.

  pmm_run.py TRACE_FILE BENCH_BINARY...
"""
import json
import subprocess
import sys

TARGET_NS = 45.0


def run(cmd):
    out = subprocess.run(cmd, stdout=subprocess.PIPE, check=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        print(line, flush=True)
        rows.append(json.loads(line))
    return rows


def main(argv):
    trace, binaries = argv[1], argv[2:]
    subprocess.run([binaries[0], "--save", trace], check=True)
    rows = []
    for binary in binaries:
        rows += run([binary, "--trace", trace])
    summary = {"bench": "pmm_summary"}
    for memory in ("fresh", "fragmented"):
        summary["order0_ns_per_pair_" + memory] = {
            r["impl"]: r["ns_per_pair"] for r in rows
            if r["bench"] == "pmm_pair" and r["order"] == 0 and r["memory"] == memory}
    summary["trace_ns_per_op"] = {r["impl"]: r["ns_per_op"] for r in rows
                                  if r["bench"] == "pmm_trace"}
    summary["buddy_order0_target_ns"] = TARGET_NS
    # The worst case counts: fresh memory makes buddy split and merge all ten orders.
    worst = [summary["order0_ns_per_pair_" + m].get("buddy") for m in ("fresh", "fragmented")]
    if None not in worst:
        summary["target_met"] = max(worst) <= TARGET_NS
    print(json.dumps(summary), flush=True)
    return 0 if summary.get("target_met", True) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
