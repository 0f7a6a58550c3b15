#!/usr/bin/env python3
"""Keyset pagination: page 1,000 of a list costs what page 1 costs.

Seeds an organization with N groups (an organization file passed to `roster serve --seed`), then times
`GET /v1/organization/groups?limit=100` for the first page and for a page deep in the list (`after` = the id of
the group at position DEEP), REQUESTS times each, over loopback, and prints the medians and 95th percentiles.

    swift build -c release --product roster
    python3 Benchmarks/pagination.py --roster .build/release/roster [--groups 100000] [--requests 300]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, key: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def timed(url: str, key: str, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        get(url, key)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roster", default=".build/release/roster")
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    deep = args.groups - 200
    key = "sk-admin-benchmark"
    with tempfile.TemporaryDirectory() as folder:
        seed = os.path.join(folder, "org.json")
        with open(seed, "w") as file:
            json.dump({"groups": [{"name": f"group {i:07d}"} for i in range(args.groups)]}, file)
        port = free_port()
        started = time.perf_counter()
        server = subprocess.Popen(
            [args.roster, "serve", "--host", "127.0.0.1", "--port", str(port), "--database",
             os.path.join(folder, "roster.sqlite"), "--admin-key", key, "--seed", seed],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "ROSTER_LOG_LEVEL": "error"})
        try:
            base = f"http://127.0.0.1:{port}/v1/organization/groups"
            for _ in range(6000):
                try:
                    get(base + "?limit=1", key)
                    break
                except OSError:
                    time.sleep(0.05)
            print(f"seeded {args.groups} groups in {time.perf_counter() - started:.1f}s")
            # Walk to the deep cursor once, 1,000 at a time.
            after, walked = None, 0
            while walked < deep:
                step = min(1000, deep - walked)
                page = get(base + f"?limit={step}" + (f"&after={after}" if after else ""), key)
                walked += len(page["data"])
                after = page["data"][-1]["id"]
            for name, url in (("page 1", base + "?limit=100"), (f"after position {walked}", base + f"?limit=100&after={after}")):
                assert len(get(url, key)["data"]) == 100
                timed(url, key, 20)  # warm-up
                samples = timed(url, key, args.requests)
                p95 = statistics.quantiles(samples, n=20)[-1]
                print(f"{name:>24}: median {statistics.median(samples):.2f} ms, p95 {p95:.2f} ms ({args.requests} requests)")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
