#!/usr/bin/env python3
"""Throughput of Roster's hot routes against a bare Hummingbird route, in one run.

Starts the bare route (`bare-route`, a Hummingbird route answering a group's JSON with nothing behind it, and a POST
route reading its body and answering 4.3 KB, an allowed check's size), served as Hummingbird serves by default, as
`roster serve` serves by default, and `roster serve` on a database file seeded with USERS users in GROUPS groups, then loads each target with wrk (Debian's
package; installed when missing) for DURATION seconds, ROUNDS times, alternating the targets so that the machine's
noise falls on all of them alike. It also times a plain-SQLite commit loop on the same disk (WAL,
synchronous=FULL, one row per transaction), the ceiling for a write that must survive `kill -9`. It prints each
target's median req/s over the rounds, p50/p99 latency, and the ratios the README states goals for.

With --postgres URL it also runs two Roster instances on one new PostgreSQL database and loads both at once (one wrk
each, sharing the threads and connections; req/s summed), and times how long a write on one takes to be seen by the
other. `Benchmarks/throughput-postgres.sh` starts a throwaway PostgreSQL and passes its URL.

    swift build -c release --product roster --scratch-path .build-release
    swift build -c release --product bare-route --scratch-path .build-release
    python3 Benchmarks/throughput.py --bin .build-release/release [--duration 5] [--rounds 3] [--connections 32]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
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


def run_wrk(wrk: str, urls: list[str], args: argparse.Namespace, headers: list[str], script: str | None, round_: int) -> tuple[float, float, float]:
    """Loads `urls` at once, one wrk each sharing the threads and connections; returns the summed req/s, the mean p50
    and the worst p99."""
    processes = []
    for index, url in enumerate(urls):
        command = [wrk, f"-t{max(1, args.threads // len(urls))}", f"-c{max(1, args.connections // len(urls))}",
                   f"-d{args.duration}s", "--latency"]
        for header in headers:
            command += ["-H", header]
        if script:
            command += ["-s", script]
        command.append(url)
        if script:
            command += ["--", f"r{round_}-{index}"]
        processes.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
    results = []
    for url, process in zip(urls, processes):
        output, _ = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"wrk failed on {url}")
        results.append(parse_wrk(url, output))
    return (sum(r[0] for r in results), statistics.mean(r[1] for r in results), max(r[2] for r in results))


def parse_wrk(url: str, output: str) -> tuple[float, float, float]:
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


def visibility(writer: str, follower: str, samples: int) -> list[float]:
    """Milliseconds from a write's response on `writer` to `follower` holding its revision, `samples` times."""
    def connect(origin: str) -> http.client.HTTPConnection:
        host, port = origin.removeprefix("http://").split(":")
        return http.client.HTTPConnection(host, int(port), timeout=10)
    write, read = connect(writer), connect(follower)
    headers = {"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"}
    delays = []
    for i in range(samples):
        write.request("POST", "/v1/organization/groups", json.dumps({"name": f"visible {i} {time.time_ns()}"}), headers)
        response = write.getresponse()
        response.read()
        revision = int(response.headers["roster-revision"])
        written = time.perf_counter()
        while True:
            read.request("GET", "/healthz")
            answer = read.getresponse()
            answer.read()
            if int(answer.headers["roster-revision"]) >= revision:
                break
            if time.perf_counter() - written > 5:
                raise SystemExit(f"{follower} did not reach revision {revision} within 5 s")
        delays.append((time.perf_counter() - written) * 1000)
        time.sleep(0.02)
    return delays


def start_roster(bin_folder: str, database: str, folder: str, name: str, seed_path: str | None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = os.path.join(folder, f"{name}.log")
    command = [os.path.join(bin_folder, "roster"), "serve", "--database", database, "--port", str(port),
               "--admin-key", ADMIN_KEY, "--log-level", "warning"]
    if seed_path:
        command += ["--seed", seed_path]
    process = subprocess.Popen(command, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    wait_ready(f"http://127.0.0.1:{port}/readyz", process, log)
    return process, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build-release/release", help="folder with roster and bare-route")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--postgres", help="a PostgreSQL URL whose user may create databases: adds two instances on one "
                                           "new database (Benchmarks/throughput-postgres.sh starts a throwaway server)")
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

    bare_port = free_port()
    bare_log = os.path.join(folder, "bare.log")
    bare = subprocess.Popen([os.path.join(args.bin, "bare-route"), str(bare_port)], stdout=open(bare_log, "wb"), stderr=subprocess.STDOUT)
    processes = [bare]
    post_script = os.path.join(folder, "post.lua")
    with open(post_script, "w") as f:
        f.write(POST_SCRIPT)
    key = f"Authorization: Bearer {ADMIN_KEY}"
    json_type = "Content-Type: application/json"

    def check_script(name: str, user_id: str) -> str:
        path = os.path.join(folder, f"{name}.lua")
        with open(path, "w") as f:
            f.write(f'wrk.method = "POST"\nwrk.body = \'{{"user_id":"{user_id}","permission":"api.groups.write"}}\'\n')
        return path

    def roster_targets(label: str, origins: list[str]) -> list[tuple[str, list[str], list[str], str | None]]:
        origin = origins[0]
        group = call("GET", f"{origin}/v1/organization/groups?limit=1")["data"][0]["id"]
        # user0 holds "Group Manager" through Group 0; user1 holds only reader's permissions.
        manager = call("GET", f"{origin}/v1/organization/users?limit=1&emails=user0@example.com")["data"][0]["id"]
        user = call("GET", f"{origin}/v1/organization/users?limit=1&emails=user1@example.com")["data"][0]["id"]
        every = lambda path: [o + path for o in origins]  # noqa: E731
        project = call("POST", f"{origin}/v1/organization/projects", {"name": f"Bench {label}"})["id"]
        account = call("POST", f"{origin}/v1/organization/projects/{project}/service_accounts", {"name": "bench-bot"})
        model_key = f"Authorization: Bearer {account['api_key']['value']}"
        nginx_style = ["X-Original-URI: /v1/chat/completions", "X-Original-Method: POST", "X-Roster-Model: gpt-4.1"]
        return [
            (f"{label}GET a group", every(f"/v1/organization/groups/{group}"), [key], None),
            (f"{label}GET 100 groups", every("/v1/organization/groups?limit=100"), [key], None),
            (f"{label}GET a user's roles", every(f"/v1/organization/users/{user}/roles"), [key], None),
            (f"{label}check, allowed", every("/v1/organization/permission_checks"), [key, json_type], check_script(f"allowed{len(label)}", manager)),
            (f"{label}check, denied", every("/v1/organization/permission_checks"), [key, json_type], check_script(f"denied{len(label)}", user)),
            (f"{label}SCIM GET a user", every(f"/scim/v2/Users/{user}"), [key], None),
            (f"{label}POST a group", every("/v1/organization/groups"), [key, json_type], post_script),
            (f"{label}gateway authorize", every("/v1/gateway/authorize"), [model_key] + nginx_style, None),
        ]

    delays: list[float] = []
    try:
        wait_ready(f"http://127.0.0.1:{bare_port}/v1/organization/groups/x", bare, bare_log)
        roster, origin = start_roster(args.bin, os.path.join(folder, "roster.sqlite"), folder, "roster", seed_path)
        processes.append(roster)
        targets = [("bare route", [f"http://127.0.0.1:{bare_port}/v1/organization/groups/x"], [], None),
                   ("bare POST, 4.3 KB answer", [f"http://127.0.0.1:{bare_port}/v1/organization/permission_checks"], [json_type],
                    check_script("bare", "user_x"))]
        targets += roster_targets("", [origin])
        if args.postgres:
            name = f"roster_bench_{os.getpid()}"
            subprocess.run(["psql", args.postgres, "-qc", f"CREATE DATABASE {name}"], check=True)
            database = f"{args.postgres.rsplit('/', 1)[0]}/{name}"
            first, first_origin = start_roster(args.bin, database, folder, "postgres-a", seed_path)
            processes.append(first)
            second, second_origin = start_roster(args.bin, database, folder, "postgres-b", None)
            processes.append(second)
            targets += roster_targets("PG×2: ", [first_origin, second_origin])
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name, *_ in targets}
        commits: list[float] = []
        for round_ in range(args.rounds):
            for name, urls, headers, script in targets:
                results[name].append(run_wrk(wrk, urls, args, headers, script, round_))
            commits.append(sqlite_commits(folder, args.duration))
        if args.postgres:
            delays = visibility(first_origin, second_origin, 100)
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGINT)
        for process in reversed(processes):
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                # roster serve ends itself 30 s into a shutdown that does not finish (--shutdown-timeout).
                print(f"warning: {' '.join(process.args[:3])} had not stopped 40 s after SIGINT; killed it", file=sys.stderr)
                process.kill()

    def median(name: str, index: int) -> float:
        return statistics.median(sample[index] for sample in results[name])
    bare_rate = median("bare route", 0)
    commit_rate = statistics.median(commits)
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} rounds alternating; medians over the rounds\n")
    print(f"| {'target':<28} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | {'ratio':>26} |")
    print(f"|{'-' * 30}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 28}|")
    for name, *_ in targets:
        rate = median(name, 0)
        if name == "POST a group":
            ratio = f"{rate / commit_rate:.2f} of SQLite commits"
        elif name == "PG×2: POST a group":
            ratio = ""
        elif name == "bare route":
            ratio = "1.00"
        else:
            ratio = f"{rate / bare_rate:.2f} of the bare route"
        print(f"| {name:<28} | {rate:>8.0f} | {median(name, 1):>7.2f} | {median(name, 2):>7.2f} | {ratio:>26} |")
    print(f"| {'plain SQLite commits':<28} | {commit_rate:>8.0f} | {'':>7} | {'':>7} | {'':>26} |")
    if delays:
        ordered = sorted(delays)
        print(f"\nA write on one PostgreSQL instance seen by the other ({len(ordered)} writes): "
              f"p50 {statistics.median(ordered):.1f} ms, p99 {ordered[int(len(ordered) * 0.99) - 1]:.1f} ms, "
              f"max {ordered[-1]:.1f} ms")
    goals = [("GET a group", 0.5, bare_rate), ("check, allowed", 0.6, bare_rate), ("check, denied", 0.6, bare_rate),
             ("SCIM GET a user", 0.4, bare_rate), ("gateway authorize", 0.6, bare_rate),
             ("POST a group", 0.5, commit_rate)]
    if args.postgres:
        goals += [("PG×2: GET a group", 0.4, bare_rate), ("PG×2: check, allowed", 0.6, bare_rate),
                  ("PG×2: check, denied", 0.6, bare_rate), ("PG×2: gateway authorize", 0.6, bare_rate)]
    print()
    for name, goal, base in goals:
        ratio = median(name, 0) / base
        print(f"{name}: {ratio:.2f} (goal {goal}) {'met' if ratio >= goal else 'NOT met'}")


if __name__ == "__main__":
    main()
