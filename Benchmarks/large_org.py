#!/usr/bin/env python3
"""A large organization, and what Roster does at its size.

Generates a database with USERS users, GROUPS groups, MEMBERSHIPS group memberships, ROLES custom roles (each group
holds one), KEYS admin keys and PROJECTS projects, plus one user in 200 groups. `roster serve` makes and migrates the
database first; the rows are then written straight into it with Python's sqlite3 (the service layer would take
hours to add a million memberships one audited write at a time). Then it measures:

- in-process (`policy-bench`): the policy's load time, the RSS after it, and decision latency for the user in 200
  groups (authenticate + authorize, and the permission check with its explanation), p50 and p99;
- `roster serve` on the database: the policy load time it logs, its RSS once ready, and keyset pages (first and deep,
  users and groups) over loopback, median and p95.

    swift build -c release --product roster --scratch-path .build-release
    swift build -c release --product policy-bench --scratch-path .build-release
    python3 Benchmarks/large_org.py --bin .build-release/release [--users 100000 ...] [--keep DIR]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
import urllib.request

ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ORGANIZATION_PERMISSIONS = [
    "api.users.read", "api.users.write", "api.groups.read", "api.groups.write", "api.roles.read", "api.roles.write",
    "api.role_assignments.read", "api.role_assignments.write", "api.projects.read", "api.projects.write",
    "api.invites.read", "api.invites.write", "api.admin_keys.read", "api.admin_keys.write", "api.audit_logs.read",
]
ADMIN_KEY = "sk-admin-large-org-benchmark-0000"
WIDE_KEY = "sk-admin-large-org-user-in-200-groups"


def ident(prefix: str, number: int) -> str:
    """An identifier Roster accepts, increasing with `number`: the prefix and a 26-character ULID."""
    digits = []
    for _ in range(24):
        number, rest = divmod(number, 32)
        digits.append(ULID_ALPHABET[rest])
    return f"{prefix}_01{''.join(reversed(digits))}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(roster: str, database: str, log_path: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    log = open(log_path, "wb")
    process = subprocess.Popen([roster, "serve", "--database", database, "--port", str(port), "--admin-key", ADMIN_KEY],
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1):
                return process, port
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"roster exited: {open(log_path).read()}")
            time.sleep(0.1)
    raise SystemExit("roster did not become ready")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)


def rss_mib(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return -1


def generate(database: str, args: argparse.Namespace) -> None:
    rng = random.Random(7)
    now = int(time.time())
    db = sqlite3.connect(database)
    db.execute("PRAGMA foreign_keys = ON")
    reader = db.execute("SELECT id FROM roles WHERE is_predefined = 1 AND name_key = 'reader' AND project_id IS NULL").fetchone()[0]
    users = [ident("user", 10**9 + i) for i in range(args.users)]
    groups = [ident("group", 10**9 + i) for i in range(args.groups)]
    roles = [ident("role", 10**9 + i) for i in range(args.roles)]
    with db:
        db.executemany(
            "INSERT INTO users (id, email, email_key, name, created_at, user_name, user_name_key, active, version, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1, ?)",
            ((u, f"user{i}@example.com", f"user{i}@example.com", f"User {i}", now, f"user{i}@example.com",
              f"user{i}@example.com", now) for i, u in enumerate(users)))
        db.executemany("INSERT INTO user_roles (user_id, role_id, created_at) VALUES (?, ?, ?)",
                       ((u, reader, now) for u in users))
        db.executemany(
            "INSERT INTO groups (id, name, name_key, created_at, version, updated_at) VALUES (?, ?, ?, ?, 1, ?)",
            ((g, f"Group {i}", f"group {i}", now, now) for i, g in enumerate(groups)))
        db.executemany(
            "INSERT INTO roles (id, name, name_key, description, permissions, resource_type, is_predefined, created_at, updated_at)"
            " VALUES (?, ?, ?, NULL, ?, 'api.organization', 0, ?, ?)",
            ((r, f"Role {i}", f"role {i}", json.dumps(sorted(rng.sample(ORGANIZATION_PERMISSIONS, rng.randint(2, 5)))), now, now)
             for i, r in enumerate(roles)))
        db.executemany("INSERT INTO group_roles (group_id, role_id, created_at) VALUES (?, ?, ?)",
                       ((g, rng.choice(roles), now) for g in groups))
        # The first user is in 200 groups; the others share the remaining memberships, each in a few groups.
        per_user = max(1, (args.memberships - 200) // max(1, args.users - 1))

        def memberships():
            for g in groups[:200]:
                yield g, users[0], now
            for u in users[1:]:
                for g in rng.sample(groups, min(per_user, len(groups))):
                    yield g, u, now
        db.executemany("INSERT INTO group_members (group_id, user_id, created_at) VALUES (?, ?, ?)", memberships())
        db.executemany("INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)",
                       ((ident("proj", 10**9 + i), f"Project {i}", now) for i in range(args.projects)))

        def keys():
            yield (ident("key", 10**9), "wide", hashlib.sha256(WIDE_KEY.encode()).digest(), "sk-admin-...", users[0], now)
            for i in range(1, args.keys):
                secret = f"sk-admin-large-org-key-{i:08d}"
                yield (ident("key", 10**9 + i), f"key {i}", hashlib.sha256(secret.encode()).digest(), "sk-admin-...",
                       rng.choice(users), now)
        db.executemany(
            "INSERT INTO admin_keys (id, name, secret_hash, redacted_value, owner_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            keys())
    db.execute("ANALYZE")
    db.close()


def timed_get(url: str, count: int) -> tuple[float, float]:
    samples = []
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    for _ in range(count):
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build-release/release", help="folder with roster and policy-bench")
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--memberships", type=int, default=1_000_000)
    parser.add_argument("--roles", type=int, default=1_000)
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", help="write the database in this folder and keep it")
    args = parser.parse_args()
    roster, bench = os.path.join(args.bin, "roster"), os.path.join(args.bin, "policy-bench")
    folder = args.keep or tempfile.mkdtemp(prefix="roster-large-")
    os.makedirs(folder, exist_ok=True)
    database = os.path.join(folder, "large.sqlite")
    if os.path.exists(database):
        os.remove(database)

    started = time.monotonic()
    process, _ = start(roster, database, os.path.join(folder, "create.log"))
    stop(process)
    generate(database, args)
    print(f"generated {args.users:,} users, {args.groups:,} groups, {args.memberships:,} memberships, {args.roles:,} roles,"
          f" {args.keys:,} keys, {args.projects:,} projects in {time.monotonic() - started:.1f} s"
          f" ({os.path.getsize(database) / 2**20:.0f} MiB)")

    result = json.loads(subprocess.run([bench, database, WIDE_KEY], check=True, capture_output=True, text=True).stdout)
    print(f"in process: policy loaded in {result['load_seconds']:.2f} s, RSS {result['rss_mib_after_load']:.0f} MiB;"
          f" decision for the user in 200 groups p50 {result['decision_us_p50']:.1f} us, p99 {result['decision_us_p99']:.1f} us;"
          f" permission check with explanation p50 {result['check_us_p50']:.1f} us, p99 {result['check_us_p99']:.1f} us")

    log_path = os.path.join(folder, "serve.log")
    process, port = start(roster, database, log_path)
    try:
        loaded = re.search(r"policy loaded at revision \d+ in ([\d,.]+ ?\w+)", open(log_path).read())
        print(f"roster serve: policy loaded in {loaded.group(1) if loaded else '?'}; RSS once ready {rss_mib(process.pid):.0f} MiB")
        origin = f"http://127.0.0.1:{port}/v1/organization"
        for kind, ids in (("users", ident("user", 10**9 + args.users * 9 // 10)), ("groups", ident("group", 10**9 + args.groups * 9 // 10))):
            first = timed_get(f"{origin}/{kind}?limit=100", args.requests)
            deep = timed_get(f"{origin}/{kind}?limit=100&after={ids}", args.requests)
            print(f"keyset {kind}: first page median {first[0]:.2f} ms (p95 {first[1]:.2f}), page at 90% median {deep[0]:.2f} ms (p95 {deep[1]:.2f})")
        print(f"roster serve RSS after the pages: {rss_mib(process.pid):.0f} MiB")
    finally:
        stop(process)


if __name__ == "__main__":
    main()
