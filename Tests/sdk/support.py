"""Shared helpers for the SDK suite: starting `roster serve`, raw HTTP through urllib, error assertions."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import openai
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ROSTER_BIN = Path(os.environ.get("ROSTER_BIN", REPO_ROOT / ".build" / "debug" / "roster"))
ADMIN_KEY = "sk-admin-sdk-suite-" + "0123456789abcdef"
STARTUP_TIMEOUT = 60.0
# A PostgreSQL cluster whose user may create databases (CI sets it on the suite's second run, with psql on PATH):
# then `fresh_database` makes PostgreSQL databases, and the suite runs on PostgreSQL.
POSTGRES = os.environ.get("ROSTER_SDK_POSTGRES")

# Identifiers: a type prefix and a 26-character ULID (Crockford base32, upper case; the first character is at
# most 7 because the 48-bit timestamp fills 50 bits).
ULID_RE = r"[0-7][0-9A-HJKMNP-TV-Z]{25}"
ID_RE = {kind: re.compile(rf"^{kind}_{ULID_RE}$") for kind in ("user", "group", "role")}

CATALOGUE = [
    "api.users.read", "api.users.write",
    "api.groups.read", "api.groups.write",
    "api.roles.read", "api.roles.write",
    "api.role_assignments.read", "api.role_assignments.write",
    "api.projects.read", "api.projects.write",
    "api.invites.read", "api.invites.write",
    "api.admin_keys.read", "api.admin_keys.write",
    "api.audit_logs.read",
    "api.scim.read", "api.scim.write",
]

# Users no test may change, users that exactly one test changes (named after what happens to them), and a bulk
# set that gives the lists enough rows to show their default limits.
BULK_USERS = [f"bulk{i:03d}@example.com" for i in range(105)]
SEED: dict[str, Any] = {
    "roles": [
        {"name": "Group Manager", "description": "Manages groups", "permissions": ["api.groups.read", "api.groups.write"]},
        {"name": "Auditor", "description": "Reads the audit log", "permissions": ["api.audit_logs.read"]},
    ],
    "users": [
        {"email": "ada@example.com", "name": "Ada", "role": "owner", "roles": ["Group Manager"]},
        {"email": "bob@example.com", "name": "Bob"},
        {"email": "carol@example.com", "name": "Carol"},
        {"email": "dave@example.com", "name": "Dave"},
        {"email": "erin@example.com", "name": "Erin"},
        {"email": "frank@example.com", "name": "Frank"},
        {"email": "grace@example.com", "name": "Grace"},
        {"email": "heidi@example.com", "name": "Heidi"},
        {"email": "many-roles@example.com", "name": "Many Roles"},
        {"email": "promote-by-role@example.com", "name": "Promote By Role"},
        {"email": "promote-by-role-id@example.com", "name": "Promote By Role Id"},
        {"email": "deleted-user@example.com", "name": "Deleted User"},
        {"email": "deleted-member@example.com", "name": "Deleted Member"},
        {"email": "keeps-predefined@example.com", "name": "Keeps Predefined"},
        *({"email": email, "name": f"Bulk {i}"} for i, email in enumerate(BULK_USERS)),
    ],
    "groups": [
        {"name": "IdP Engineering", "scim_managed": True, "members": ["ada@example.com", "bob@example.com"], "roles": []},
        {"name": "IdP Finance", "scim_managed": True, "members": [], "roles": ["Auditor"]},
        {"name": "Seeded Managers", "members": ["carol@example.com"], "roles": ["Group Manager"]},
    ],
}


def unique(prefix: str = "t") -> str:
    """A name no other test uses."""
    return f"{prefix} {uuid.uuid4().hex[:12]}"


def fresh_database(workdir: Path) -> str:
    """An empty database for a server of a test's own: a new SQLite file in `workdir`, or a new database on the
    `POSTGRES` cluster."""
    if not POSTGRES:
        workdir.mkdir(parents=True, exist_ok=True)
        return str(workdir / f"roster-{uuid.uuid4().hex[:8]}.sqlite")
    name = f"roster_sdk_{uuid.uuid4().hex[:12]}"
    subprocess.run(["psql", POSTGRES, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return f"{POSTGRES.rsplit('/', 1)[0]}/{name}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log_path: Path
    admin_key: str
    database: str
    args: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except OSError:
            return ""

    def client(self, key: Optional[str] = None) -> openai.OpenAI:
        return make_client(self.base_url, key or self.admin_key)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Sends `sig`, waits, and kills the process if it is still running. Returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        return self.process.returncode


def wait_until_ready(port: int | str, process: subprocess.Popen | None = None, timeout: float = STARTUP_TIMEOUT) -> None:
    """Waits until `GET /readyz` on the port answers 200; fails when `process` exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"the server exited with status {process.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, http.client.HTTPException, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(f"the server on port {port} was not ready within {timeout}s")


def make_client(base_url: str, key: str) -> openai.OpenAI:
    return openai.OpenAI(admin_api_key=key, api_key="unused", base_url=base_url, max_retries=0, timeout=30.0)


def start_server(
    workdir: Path,
    *,
    database: str = ":memory:",
    admin_key: str = ADMIN_KEY,
    seed: Optional[dict] = None,
    extra_args: Iterable[str] = (),
) -> Server:
    """Starts `roster serve` on a free loopback port and waits until /healthz answers 200."""
    if not ROSTER_BIN.exists():
        pytest.fail(f"{ROSTER_BIN} does not exist: build it with `swift build --product roster` (Tests/sdk/run.sh does)")
    workdir.mkdir(parents=True, exist_ok=True)
    last_log = ""
    for _attempt in range(3):  # a port taken between free_port() and the server's bind gets another try
        port = free_port()
        args = [str(ROSTER_BIN), "serve", "--host", "127.0.0.1", "--port", str(port), "--database", database,
                "--admin-key", admin_key]
        if seed is not None:
            seed_path = workdir / f"seed-{uuid.uuid4().hex[:8]}.json"
            seed_path.write_text(json.dumps(seed, indent=2))
            args += ["--seed", str(seed_path)]
        args += list(extra_args)
        log_path = workdir / f"roster-{port}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       cwd=workdir)
        server = Server(port, process, log_path, admin_key, database, args)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{server.origin}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return server
            except (urllib.error.URLError, ConnectionError, http.client.HTTPException, OSError):
                pass
            time.sleep(0.1)
        last_log = server.log()
        server.stop(signal.SIGKILL)
        if "already listening" not in last_log.lower() and "address already in use" not in last_log.lower():
            break
    pytest.fail(f"roster serve did not become healthy within {STARTUP_TIMEOUT}s.\nargs: {args}\nlog:\n{last_log}")


def all_users(org) -> list:
    users, after = [], None
    for _ in range(100):
        page = org.users.list(limit=100, **({"after": after} if after else {}))
        users += page.data
        if not page.has_more:
            return users
        after = page.last_id
    raise AssertionError("users.list never reported has_more=false")


def find_group(org, name: str):
    for group in org.groups.list(limit=1000).data:
        if group.name == name:
            return group
    raise AssertionError(f"group {name!r} not listed")


def find_role(org, name: str):
    for role in org.roles.list(limit=1000).data:
        if role.name == name:
            return role
    raise AssertionError(f"role {name!r} not listed")


@dataclass
class RawResponse:
    status: int
    headers: Any  # http.client.HTTPMessage (case-insensitive .get)
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def raw_request(origin: str, method: str, path: str, body: Any = None, *, key: Optional[str] = None,
                headers: Optional[dict] = None, timeout: float = 30.0) -> RawResponse:
    data: Optional[bytes]
    all_headers = {"Accept": "application/json"}
    if body is None:
        data = None
    elif isinstance(body, bytes):
        data = body
        all_headers["Content-Type"] = "application/json"
    elif isinstance(body, str):
        data = body.encode()
        all_headers["Content-Type"] = "application/json"
    else:
        data = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    if key is not None:
        all_headers["Authorization"] = f"Bearer {key}"
    all_headers.update(headers or {})
    req = urllib.request.Request(origin + path, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return RawResponse(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return RawResponse(error.code, error.headers, error.read())


SCIM_USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
SCIM_MEDIA_TYPE = "application/scim+json"


def new_email(prefix: str = "user") -> str:
    """An email address no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def scim_create_user(origin: str, key: str, email: str, *, given: str = "Pat", family: str = "Doe") -> RawResponse:
    """POST /scim/v2/Users as an identity provider sends it, with `email` as the userName and primary work email."""
    body = {
        "schemas": [SCIM_USER_URN],
        "userName": email,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": email, "type": "work"}],
        "displayName": f"{given} {family}",
        "active": True,
    }
    return raw_request(origin, "POST", "/scim/v2/Users", body, key=key,
                       headers={"Content-Type": SCIM_MEDIA_TYPE, "Accept": SCIM_MEDIA_TYPE})


def assert_envelope(error_body: Any, *, param: Any = ..., code: Any = ..., message: Optional[str] = None,
                    type_: str = "invalid_request_error") -> dict:
    """Checks OpenAI's error object (the value of the envelope's "error" key). `param` may be a compiled regex."""
    assert isinstance(error_body, dict), f"error body is not an object: {error_body!r}"
    assert {"message", "type", "param", "code"} <= set(error_body), f"error object lacks fields: {error_body!r}"
    assert isinstance(error_body["message"], str) and error_body["message"].strip(), error_body
    assert error_body["type"] == type_, error_body
    if isinstance(param, re.Pattern):
        assert isinstance(error_body["param"], str) and param.fullmatch(error_body["param"]), error_body
    elif param is not ...:
        assert error_body["param"] == param, error_body
    if code is not ...:
        assert error_body["code"] == code, error_body
    if message is not None:
        assert re.search(message, error_body["message"], re.IGNORECASE), error_body
    return error_body


def assert_api_error(excinfo, status: int, **kwargs) -> dict:
    """Checks an `openai.APIStatusError` caught by `pytest.raises`: its status, `e.body` and the raw envelope."""
    error = excinfo.value
    assert error.status_code == status, f"expected {status}, got {error.status_code}: {error.body!r}"
    envelope = error.response.json()
    assert set(envelope) == {"error"}, f"envelope has other top-level keys: {envelope!r}"
    assert envelope["error"] == error.body
    return assert_envelope(error.body, **kwargs)


def assert_raw_error(response: RawResponse, status: int, **kwargs) -> dict:
    assert response.status == status, f"expected {status}, got {response.status}: {response.body[:500]!r}"
    envelope = response.json()
    assert isinstance(envelope, dict) and "error" in envelope, envelope
    return assert_envelope(envelope["error"], **kwargs)


def ids(items) -> list[str]:
    return [item.id for item in items]



CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid_time_ms(identifier: str) -> int:
    """The millisecond timestamp in the first 10 characters of the ULID after the prefix."""
    ulid = identifier.split("_", 1)[1]
    value = 0
    for ch in ulid[:10]:
        value = value * 32 + CROCKFORD.index(ch)
    return value


def assert_id(identifier: str, kind: str) -> None:
    assert ID_RE[kind].match(identifier or ""), f"{identifier!r} is not `{kind}_` + a 26-character ULID"
    now_ms = time.time() * 1000
    assert abs(ulid_time_ms(identifier) - now_ms) < 24 * 3600 * 1000, f"{identifier!r}: ULID time is not today"


def walk(list_fn: Callable[..., Any], *, limit: int, order: Optional[str] = None, max_pages: int = 2000) -> list[str]:
    """Pages through a `next`-cursor list by passing each page's `next` as `after`, checking on every page that
    `has_more` and `next` agree (next == last item's id when has_more, null on the last page). Returns the ids."""
    seen: list[str] = []
    after: Optional[str] = None
    for _ in range(max_pages):
        kwargs: dict[str, Any] = {"limit": limit}
        if order is not None:
            kwargs["order"] = order
        if after is not None:
            kwargs["after"] = after
        page = list_fn(**kwargs)
        assert len(page.data) <= limit
        seen += ids(page.data)
        if page.has_more:
            assert page.data, "has_more is true on an empty page"
            assert page.next == page.data[-1].id, f"next {page.next!r} is not the last item's id {page.data[-1].id!r}"
            after = page.next
        else:
            assert page.next is None, f"next is {page.next!r} on the last page"
            return seen
    raise AssertionError(f"no last page after {max_pages} pages")
