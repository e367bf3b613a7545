#!/usr/bin/env python3
"""Latency of the sidecar's /readiness probe, as kubelet sees it.

Starts `strata manage --watch` on a scratch SQLite database with the project's
set and sends PROBES GET /readiness requests, each on a new TCP connection as
kubelet makes them: first while the sidecar is idle (200), then while a
migration dropped into the watched directory runs a long recursive query (503:
the database thread busy, one core taken). Stops it with SIGTERM, prints
p50/p90/p99/max per phase and writes bench/results/probe_latency.json.

Usage: bench/probe_latency.py PATH-TO-STRATA [PROBES]   (default 2000)
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def probe(port):
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/readiness")
    response = conn.getresponse()
    response.read()
    conn.close()
    return (time.perf_counter() - start) * 1000.0, response.status


def percentiles(samples):
    ordered = sorted(samples)

    def at(q):
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"probes": len(ordered), "p50_ms": at(0.50), "p90_ms": at(0.90),
            "p99_ms": at(0.99), "max_ms": ordered[-1]}


def run_phase(port, probes, expect_status):
    samples = []
    for _ in range(probes):
        ms, status = probe(port)
        if status != expect_status:
            raise SystemExit(f"probe_latency: /readiness answered {status}, not {expect_status}")
        samples.append(ms)
    return percentiles(samples)


def main():
    strata = sys.argv[1]
    probes = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    work = tempfile.mkdtemp(prefix="strata-probe-")
    sidecar = None
    try:
        shutil.copytree(os.path.join(ROOT, "migrations", "sqlite"), os.path.join(work, "m", "sqlite"))
        log_path = os.path.join(work, "sidecar.log")
        args = [strata, "--database-url", os.path.join(work, "db.sqlite"), "--migrations-dir",
                os.path.join(work, "m"), "--log-level", "debug", "manage", "--health-address",
                "127.0.0.1", "--health-port", "0", "--watch"]
        with open(log_path, "w") as log:
            sidecar = subprocess.Popen(args, stdout=log, stderr=log)

        def wait_for(pattern, seconds=60):
            deadline = time.time() + seconds
            while time.time() < deadline:
                text = open(log_path).read()
                match = re.search(pattern, text)
                if match:
                    return match
                time.sleep(0.02)
            raise SystemExit(f"probe_latency: no '{pattern}' in the sidecar's log:\n{open(log_path).read()}")

        port = int(wait_for(r"listening on 127\.0\.0\.1:(\d+)").group(1))
        wait_for(r"current version 8")
        idle = run_phase(port, probes, 200)
        # A migration that keeps the database thread busy for a while.
        with open(os.path.join(work, "m", "sqlite", "0009_slow.up.sql"), "w") as f:
            f.write("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                    "WHERE x < 60000000) SELECT count(*) FROM c;\n")
        wait_for(r"applying 9 slow")
        during = run_phase(port, probes, 503)
        still_running = "applied 9 slow" not in open(log_path).read()
        sidecar.send_signal(signal.SIGTERM)
        code = sidecar.wait(timeout=10)
        result = {"idle": idle, "during_migration": during,
                  "migration_still_running_at_the_end": still_running, "exit_code": code}
        os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
        with open(os.path.join(ROOT, "bench", "results", "probe_latency.json"), "w") as f:
            json.dump(result, f, indent=2)
        print(f"{'/readiness':<18} {'probes':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for name, r in (("idle", idle), ("during migration", during)):
            print(f"{name:<18} {r['probes']:>7} {r['p50_ms']:>8.3f} {r['p90_ms']:>8.3f} "
                  f"{r['p99_ms']:>8.3f} {r['max_ms']:>8.3f}")
        print(f"the migration was still running at the end: {still_running}; exit code {code}")
        if not still_running:
            print("probe_latency: the slow migration ended before the probes did: raise its count",
                  file=sys.stderr)
    finally:
        if sidecar and sidecar.poll() is None:
            sidecar.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
