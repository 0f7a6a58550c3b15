"""The `roster` command as an operator meets it: --version, option and environment checks, import and export on the
database that exists, a port in use reported before anything is written, errors in plain words, organization files
read strictly, import counts that tell the truth, and the start-up, request and shutdown log lines in both formats."""
from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from support import ROSTER_BIN, free_port, wait_until_ready

# Words of Swift, Foundation and SQLite that an error for people must never show.
INTERNALS = re.compile(r"DecodingError|NSCocoaErrorDomain|Error Domain|SQLiteError|cantOpen|readonlyDirectory|"
                       r"dataCorrupted|Swift\.|Foundation\.|bind\(descriptor", re.IGNORECASE)


def roster(*args: str, env: dict | None = None, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ROSTER_")}
    environment.update(env or {})
    return subprocess.run([str(ROSTER_BIN), *args], capture_output=True, text=True, env=environment, cwd=cwd,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def fails_with(result: subprocess.CompletedProcess, *phrases: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for phrase in phrases:
        assert phrase in output, f"{phrase!r} not in {output!r}"
    assert not INTERNALS.search(output), f"internal names in: {output!r}"
    assert "USAGE:" not in output, f"usage text after an error: {output!r}"
    return output


def test_version():
    result = roster("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"\d+\.\d+\.\d+\n", result.stdout)


@pytest.mark.parametrize("port", ["0", "99999", "65536"])
def test_a_port_outside_1_to_65535_is_refused(port, tmp_path):
    fails_with(roster("serve", "--port", port, "--database", str(tmp_path / "db.sqlite")), "1 to 65535")
    assert not (tmp_path / "db.sqlite").exists()


@pytest.mark.parametrize("name, value, phrase", [
    ("ROSTER_PORT", "abc", "ROSTER_PORT is 'abc'"),
    ("ROSTER_PORT", "70000", "ROSTER_PORT is '70000'"),
    ("ROSTER_LOG_LEVEL", "bogus", "ROSTER_LOG_LEVEL is 'bogus'"),
    ("ROSTER_LOG_FORMAT", "xml", "ROSTER_LOG_FORMAT is 'xml'"),
    ("ROSTER_TRUST_FORWARDED_HEADERS", "maybe", "ROSTER_TRUST_FORWARDED_HEADERS is 'maybe'"),
    ("ROSTER_PUBLIC_URL", "javascript:alert(1)", "ROSTER_PUBLIC_URL"),
    ("ROSTER_OWNER_EMAIL", "bogus", "ROSTER_OWNER_EMAIL"),
    ("ROSTER_ADMIN_KEY", "short", "ROSTER_ADMIN_KEY"),
    ("ROSTER_SHUTDOWN_TIMEOUT", "0", "ROSTER_SHUTDOWN_TIMEOUT is '0'"),
])
def test_an_environment_variable_that_cannot_be_read_is_an_error_naming_it(name, value, phrase, tmp_path):
    port = [] if name == "ROSTER_PORT" else ["--port", str(free_port())]
    fails_with(roster("serve", *port, "--database", str(tmp_path / "db.sqlite"), env={name: value}), phrase)
    assert not (tmp_path / "db.sqlite").exists()


@pytest.mark.parametrize("command", [["export"], ["import", "{file}"]])
def test_import_and_export_refuse_a_database_that_does_not_exist(command, tmp_path):
    file = tmp_path / "org.json"
    file.write_text("{}")
    database = tmp_path / "typo.sqlite"
    args = [part.replace("{file}", str(file)) for part in command] + ["--database", str(database)]
    fails_with(roster(*args), f"There is no database at '{database}'")
    assert not database.exists()


def test_a_port_in_use_is_reported_with_host_and_port_before_anything_is_written(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = roster("serve", "--port", str(port), "--database", str(tmp_path / "db.sqlite"), "--admin-key",
                        "sk-admin-cli-test-000000000000000000000000")
    fails_with(result, f"127.0.0.1:{port}", "--port")
    assert not (tmp_path / "db.sqlite").exists()


def test_a_database_in_a_missing_folder_is_explained(tmp_path):
    fails_with(roster("serve", "--port", str(free_port()), "--database", str(tmp_path / "no" / "such" / "db.sqlite")),
               "cannot open the database", "folder")


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory) -> Path:
    """A database of a fresh organization, made once by `roster serve` and stopped cleanly."""
    path = tmp_path_factory.mktemp("cli") / "org.sqlite"
    port = free_port()
    server = subprocess.Popen([str(ROSTER_BIN), "serve", "--port", str(port), "--database", str(path),
                               "--admin-key", "sk-admin-cli-test-000000000000000000000000"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_ready(port, server)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return path


@pytest.fixture
def database(tmp_path, empty_database) -> Path:
    """A copy of `empty_database` for one test."""
    path = tmp_path / "org.sqlite"
    shutil.copyfile(empty_database, path)
    return path


@pytest.mark.parametrize("text, phrases", [
    ('{"users": [{"email": "a@example.com",}]}', ["line 1, column 38", "not valid JSON"]),
    ('{\n  "users": [\n    {"email": "a@example.com"}\n  ],\n}\n', ["line 5, column 1"]),
    ('{"userz": []}', ["'userz' is not part of an organization file"]),
    ('{"users": [{"email": "a@example.com", "emial": "x"}]}', ["'users[0].emial'"]),
    ('{"users": [{"email": "a@example.com", "roles": ["Nobody"]}]}', ["users[0].roles[0]", "Nobody"]),
    ('{"groups": [{"name": 7}]}', ["'groups[0].name' must be a string"]),
    ('{"users": [{"email": "not-an-email"}]}', ["users[0].email"]),
])
def test_organization_file_errors_name_the_place(text, phrases, tmp_path, database):
    file = tmp_path / "org.json"
    file.write_text(text)
    output = fails_with(roster("import", str(file), "--database", str(database)), str(file), *phrases)
    assert "Imported" not in output


def test_import_counts_what_it_created_changed_and_left_as_it_was(tmp_path, database):
    org = {"roles": [{"name": "Group Manager", "permissions": ["api.groups.read", "api.groups.write"]}],
           "users": [{"email": "ada@example.com", "name": "Ada"}, {"email": "grace@example.com", "name": "Grace"}],
           "groups": [{"name": "Support", "members": ["ada@example.com"]}]}
    file = tmp_path / "org.json"
    file.write_text(json.dumps(org))
    first = roster("import", str(file), "--database", str(database))
    assert first.returncode == 0, first.stderr
    assert "4 created, 0 changed, 0 unchanged" in first.stdout
    again = roster("import", str(file), "--database", str(database))
    assert "0 created, 0 changed, 4 unchanged" in again.stdout, again.stdout
    org["groups"][0]["members"].append("grace@example.com")
    file.write_text(json.dumps(org))
    changed = roster("import", str(file), "--database", str(database))
    assert "0 created, 1 changed, 3 unchanged" in changed.stdout, changed.stdout


def test_export_to_an_unwritable_place_is_explained(tmp_path, database):
    fails_with(roster("export", "--database", str(database), "--output", str(tmp_path / "missing" / "org.json")),
               "org.json")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_log_names_version_database_and_address_one_line_per_request_and_the_stop(log_format, tmp_path):
    port = free_port()
    database = tmp_path / "db.sqlite"
    log = tmp_path / "server.log"
    with open(log, "w") as output:
        server = subprocess.Popen([str(ROSTER_BIN), "serve", "--port", str(port), "--database", str(database),
                                   "--log-format", log_format], stdout=output, stderr=output,
                                  env={**{k: v for k, v in os.environ.items() if not k.startswith("ROSTER_")},
                                       "ROSTER_ADMIN_KEY": "sk-admin-cli-test-000000000000000000000000"})
    try:
        wait_until_ready(port, server)
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    text = "\n".join(lines)
    assert f"127.0.0.1:{port}" in text and str(database) in text and "0.9.0" in text, text
    assert "Roster stopped" in text, text
    assert sum("/readyz" in line for line in lines) == 1, text
    if log_format == "json":
        records = [json.loads(line) for line in lines]
        request = next(r for r in records if r.get("path") == "/readyz")
        assert request["status"] == "200" and request["method"] == "GET" and request["level"] == "info"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", request["time"]), request
        assert re.fullmatch(r"\d+\.\d", request["duration_ms"]), request
        logged = datetime.datetime.fromisoformat(request["time"].replace("Z", "+00:00"))
        assert abs((datetime.datetime.now(datetime.timezone.utc) - logged).total_seconds()) < 60, request


def hold_a_request_open(port: int, key: str) -> socket.socket:
    """A request whose body never finishes arriving: the graceful shutdown waits for it."""
    held = socket.create_connection(("127.0.0.1", port))
    held.sendall((f"POST /v1/organization/groups HTTP/1.1\r\nHost: roster\r\nContent-Type: application/json\r\n"
                  f"Content-Length: 100\r\nAuthorization: Bearer {key}\r\n\r\n{{").encode())
    return held


@pytest.mark.parametrize("second_signal", [True, False])
def test_a_graceful_shutdown_that_does_not_finish_ends_on_a_second_signal_or_after_the_timeout(second_signal, tmp_path):
    from support import start_server

    server = start_server(tmp_path, database=str(tmp_path / "db.sqlite"), extra_args=["--shutdown-timeout", "2"])
    held = None
    try:
        held = hold_a_request_open(server.port, server.admin_key)
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert server.process.poll() is None, "the graceful shutdown did not wait for the request in flight"
        if second_signal:
            server.process.send_signal(signal.SIGTERM)
            assert server.process.wait(timeout=1) == 1
        else:
            assert server.process.wait(timeout=5) == 1
    finally:
        if held:
            held.close()
        server.stop(signal.SIGKILL)
    text = server.log()
    phrase = "a second signal during the graceful shutdown" if second_signal else "has not finished within 2.0 seconds"
    assert phrase in text, text
    assert "Roster stopped" not in text, text


def test_a_live_database_is_backed_up_while_the_server_writes(tmp_path):
    from support import start_server

    database = tmp_path / "live.sqlite"
    server = start_server(tmp_path, database=str(database))
    try:
        org = server.client().admin.organization
        org.groups.create(name="Before the backup")
        backup = tmp_path / "copy.sqlite"
        result = roster("backup", "--database", str(database), "--to", str(backup))
        assert result.returncode == 0, result.stderr
        org.groups.create(name="After the backup")
        fails_with(roster("backup", "--database", str(database), "--to", str(backup)), "exists already")
    finally:
        server.stop()
    exported = roster("export", "--database", str(backup))
    assert exported.returncode == 0, exported.stderr
    names = [group["name"] for group in json.loads(exported.stdout)["groups"]]
    assert names == ["Before the backup"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_scripts_complete_roster(shell):
    result = roster("--generate-completion-script", shell)
    assert result.returncode == 0, result.stderr
    assert "roster" in result.stdout and "backup" in result.stdout and "log-format" in result.stdout
