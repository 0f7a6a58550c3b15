#!/usr/bin/env python3
"""Throughput of Roster's hot routes against a bare Hummingbird route, in one run.

Starts the bare route (`bare-route`, a Hummingbird route answering a group's JSON with nothing behind it) and
`roster serve` on a database file seeded with USERS users in GROUPS groups, then loads each target with wrk (Debian's
package; installed when missing) for DURATION seconds, ROUNDS times, alternating the targets so that the machine's
noise falls on all of them alike. It also times a plain-SQLite commit loop on the same disk (WAL,
synchronous=FULL, one row per transaction), the ceiling for a write that must survive `kill -9`. It prints each
target's median req/s over the rounds, p50/p99 latency, and the ratios the README states goals for.

    swift build -c release --product roster --scratch-path .build-release
    swift build -c release --product bare-route --scratch-path .build-release
    python3 Benchmarks/throughput.py --bin .build-release/release [--duration 5] [--rounds 3] [--connections 32]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
import urllib.request

ADMIN_KEY = "sk-admin-throughput-benchmark-0000"

POST_SCRIPT = r"""
local counter = 0
local prefix = "bench"
function init(args) prefix = args[1] .. "-" .. tostring(math.random(1, 1000000000)) end
function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, '{"name":"' .. prefix .. "-" .. counter .. '"}')
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, log_path: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"{process.args[0]} exited: {open(log_path).read()}")
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def call(method: str, url: str, body=None) -> dict:
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk from Debian's packages")
    if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], stdout=subprocess.DEVNULL).returncode != 0:
        # A fresh machine may not have the package lists yet.
        subprocess.run(["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def run_wrk(wrk: str, url: str, args: argparse.Namespace, headers: list[str], script: str | None, round_: int) -> tuple[float, float, float]:
    command = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    command.append(url)
    if script:
        command += ["--", f"r{round_}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} requests failed\n{output}")

    def latency(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    return rate, latency("50"), latency("99")


def sqlite_commits(folder: str, seconds: float) -> float:
    """Commits per second of one-row transactions on a WAL database with synchronous=FULL."""
    path = os.path.join(folder, "plain.sqlite")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    count = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t (name) VALUES (?)", (f"group {count}",))
        db.execute("COMMIT")
        count += 1
    elapsed = time.perf_counter() - started
    db.close()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build-release/release", help="folder with roster and bare-route")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    wrk = ensure_wrk()
    folder = tempfile.mkdtemp(prefix="roster-throughput-")
    seed = {
        "roles": [{"name": "Group Manager", "description": "Manages groups", "permissions": ["api.groups.read", "api.groups.write"]}],
        "users": [{"email": f"user{i}@example.com", "name": f"User {i}"} for i in range(args.users)],
        "groups": [{"name": f"Group {g}", "members": [f"user{i}@example.com" for i in range(g % 20, args.users, max(1, args.groups // 4))],
                    "roles": ["Group Manager"] if g % 10 == 0 else []} for g in range(args.groups)],
    }
    seed_path = os.path.join(folder, "seed.json")
    with open(seed_path, "w") as f:
        json.dump(seed, f)

    bare_port, roster_port = free_port(), free_port()
    bare_log, roster_log = os.path.join(folder, "bare.log"), os.path.join(folder, "roster.log")
    bare = subprocess.Popen([os.path.join(args.bin, "bare-route"), str(bare_port)], stdout=open(bare_log, "wb"), stderr=subprocess.STDOUT)
    roster = subprocess.Popen(
        [os.path.join(args.bin, "roster"), "serve", "--database", os.path.join(folder, "roster.sqlite"), "--port", str(roster_port),
         "--admin-key", ADMIN_KEY, "--seed", seed_path, "--log-level", "warning"],
        stdout=open(roster_log, "wb"), stderr=subprocess.STDOUT)
    try:
        wait_ready(f"http://127.0.0.1:{bare_port}/v1/organization/groups/x", bare, bare_log)
        wait_ready(f"http://127.0.0.1:{roster_port}/readyz", roster, roster_log)
        origin = f"http://127.0.0.1:{roster_port}"
        group = call("GET", f"{origin}/v1/organization/groups?limit=1")["data"][0]["id"]
        # user0 holds "Group Manager" through Group 0; user1 holds only reader's permissions.
        manager = call("GET", f"{origin}/v1/organization/users?limit=1&emails=user0@example.com")["data"][0]["id"]
        user = call("GET", f"{origin}/v1/organization/users?limit=1&emails=user1@example.com")["data"][0]["id"]
        post_script = os.path.join(folder, "post.lua")
        with open(post_script, "w") as f:
            f.write(POST_SCRIPT)
        def check_script(name: str, user_id: str) -> str:
            path = os.path.join(folder, f"{name}.lua")
            with open(path, "w") as f:
                f.write(f'wrk.method = "POST"\nwrk.body = \'{{"user_id":"{user_id}","permission":"api.groups.write"}}\'\n')
            return path
        key = f"Authorization: Bearer {ADMIN_KEY}"
        json_type = "Content-Type: application/json"
        targets = [
            ("bare route", f"http://127.0.0.1:{bare_port}/v1/organization/groups/{group}", [], None),
            ("GET a group", f"{origin}/v1/organization/groups/{group}", [key], None),
            ("GET 100 groups", f"{origin}/v1/organization/groups?limit=100", [key], None),
            ("GET a user's roles", f"{origin}/v1/organization/users/{user}/roles", [key], None),
            ("check, allowed", f"{origin}/v1/organization/permission_checks", [key, json_type], check_script("allowed", manager)),
            ("check, denied", f"{origin}/v1/organization/permission_checks", [key, json_type], check_script("denied", user)),
            ("SCIM GET a user", f"{origin}/scim/v2/Users/{user}", [key], None),
            ("POST a group", f"{origin}/v1/organization/groups", [key, json_type], post_script),
        ]
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name, *_ in targets}
        commits: list[float] = []
        for round_ in range(args.rounds):
            for name, url, headers, script in targets:
                results[name].append(run_wrk(wrk, url, args, headers, script, round_))
            commits.append(sqlite_commits(folder, args.duration))
    finally:
        for process in (roster, bare):
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)

    def median(name: str, index: int) -> float:
        return statistics.median(sample[index] for sample in results[name])
    bare_rate = median("bare route", 0)
    commit_rate = statistics.median(commits)
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} rounds alternating; medians over the rounds\n")
    print(f"| {'target':<24} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | {'ratio':>26} |")
    print(f"|{'-' * 26}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 28}|")
    for name, *_ in targets:
        rate = median(name, 0)
        if name == "POST a group":
            ratio = f"{rate / commit_rate:.2f} of SQLite commits"
        elif name == "bare route":
            ratio = "1.00"
        else:
            ratio = f"{rate / bare_rate:.2f} of the bare route"
        print(f"| {name:<24} | {rate:>8.0f} | {median(name, 1):>7.2f} | {median(name, 2):>7.2f} | {ratio:>26} |")
    print(f"| {'plain SQLite commits':<24} | {commit_rate:>8.0f} | {'':>7} | {'':>7} | {'':>26} |")
    goals = [("GET a group", 0.5, bare_rate), ("check, allowed", 0.6, bare_rate), ("check, denied", 0.6, bare_rate),
             ("SCIM GET a user", 0.4, bare_rate),
             ("POST a group", 0.5, commit_rate)]
    print()
    for name, goal, base in goals:
        ratio = median(name, 0) / base
        print(f"{name}: {ratio:.2f} (goal {goal}) {'met' if ratio >= goal else 'NOT met'}")


if __name__ == "__main__":
    main()
