"""The error envelope and request validation: bad bodies, bad names, unknown routes and methods, size limit,
and no 5xx for anything a client can send."""

from __future__ import annotations

import http.client
import json
import re

import openai
import pytest

from support import assert_api_error, assert_envelope, assert_raw_error, raw_request, start_server, unique

GROUPS = "/v1/organization/groups"


# ---------------------------------------------------------------------------------------------------------------
# Bodies


def test_a_malformed_json_body_is_400_invalid_request_error(raw):
    response = raw("POST", GROUPS, b'{"name": ')
    assert_raw_error(response, 400)


@pytest.mark.parametrize("body", [b"[]", b'"Support Team"', b"null", b"42", b""],
                         ids=["array", "string", "null", "number", "empty"])
def test_a_json_body_that_is_not_an_object_is_400(raw, body):
    response = raw("POST", GROUPS, body)
    assert_raw_error(response, 400)


def test_a_missing_name_on_group_create_is_400_naming_name(org):
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.groups.create(name=openai.omit)
    assert_api_error(excinfo, 400, param="name")


@pytest.mark.parametrize("name", [123, None, ["a"], {"a": 1}, True], ids=["number", "null", "array", "object", "bool"])
def test_a_group_name_that_is_not_a_string_is_400_naming_name(org, name):
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.groups.create(name=name)
    assert_api_error(excinfo, 400, param="name")


@pytest.mark.parametrize("name", ["", "   ", "\t\n"], ids=["empty", "spaces", "whitespace"])
def test_a_blank_group_name_is_400_naming_name(org, name):
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.groups.create(name=name)
    assert_api_error(excinfo, 400, param="name")


def test_a_blank_name_on_group_rename_is_400_naming_name(org, new_group):
    group = new_group()
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.groups.update(group.id, name="   ")
    assert_api_error(excinfo, 400, param="name")
    assert org.groups.retrieve(group.id).name == group.name


def test_a_group_name_longer_than_255_characters_is_400_naming_name(org):
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.groups.create(name="x" * 256)
    assert_api_error(excinfo, 400, param="name")
    assert org.groups.create(name=unique("y" * 240)[:255]).id.startswith("group_")


def test_a_missing_role_name_on_role_create_is_400_naming_role_name(org):
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.roles.create(role_name=openai.omit, permissions=["api.groups.read"])
    assert_api_error(excinfo, 400, param="role_name")


def test_a_blank_role_name_is_400_naming_role_name(org):
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.roles.create(role_name="  ", permissions=["api.groups.read"])
    assert_api_error(excinfo, 400, param="role_name")


@pytest.mark.parametrize("permissions", [openai.omit, "api.groups.read", [1, 2]], ids=["missing", "string", "numbers"])
def test_missing_or_mistyped_permissions_on_role_create_are_400_naming_permissions(org, permissions):
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.roles.create(role_name=unique("perm"), permissions=permissions)
    # The param may point into the array ("permissions[0]") as OpenAI's own API does.
    assert_api_error(excinfo, 400, param=re.compile(r"permissions(\[\d+\])?"))


def test_a_unicode_group_name_round_trips(org):
    name = unique("Équipe 支援 🚀")
    group = org.groups.create(name=name)
    assert org.groups.retrieve(group.id).name == name


# ---------------------------------------------------------------------------------------------------------------
# Routes, methods, sizes


def test_an_unknown_route_is_404_in_the_envelope(raw):
    assert_raw_error(raw("GET", "/v1/organization/nothing-here"), 404)


def test_a_wrong_method_is_405_in_the_envelope(raw):
    assert_raw_error(raw("PUT", GROUPS, {"name": "x"}), 405)
    assert_raw_error(raw("PATCH", "/v1/organization/roles", {"role_name": "x"}), 405)


def test_a_body_over_1_mib_is_413(raw):
    body = json.dumps({"name": "x" * (1024 * 1024 + 16)}).encode()
    assert_raw_error(raw("POST", GROUPS, body), 413)


def test_the_sdk_surfaces_a_body_over_1_mib_as_a_413_status_error(org):
    with pytest.raises(openai.APIStatusError) as excinfo:
        org.groups.create(name="x" * (1024 * 1024 + 16))
    assert_api_error(excinfo, 413)


def _body_of_size(size: int) -> bytes:
    body = json.dumps({"name": "x" * (size - 12)}).encode()
    return body + b" " * (size - len(body))


def test_a_body_of_exactly_1_mib_is_read_and_judged_on_its_content_not_refused_with_413(raw):
    body = _body_of_size(1024 * 1024)
    assert len(body) == 1024 * 1024
    response = raw("POST", GROUPS, body)
    assert response.status < 500 and response.status != 413, (response.status, response.body[:300])


def test_a_body_of_1_mib_plus_one_byte_is_413(raw):
    body = _body_of_size(1024 * 1024 + 1)
    assert_raw_error(raw("POST", GROUPS, body), 413)


def test_a_chunked_body_over_1_mib_is_413(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        chunks = (b"x" * (64 * 1024) for _ in range(20))
        connection.request("POST", GROUPS, body=chunks, encode_chunked=True, headers={
            "Authorization": f"Bearer {server.admin_key}", "Content-Type": "application/json"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 413, (response.status, body[:300])
    assert_envelope(json.loads(body)["error"])


def test_an_unknown_id_is_404_with_code_and_message(org):
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.groups.retrieve("group_01J00000000000000000000000")
    error = assert_api_error(excinfo, 404)
    assert "group_01J00000000000000000000000" in error["message"]


def test_error_responses_are_json(raw):
    response = raw("GET", "/v1/organization/groups/group_01J00000000000000000000000")
    assert response.headers.get("content-type", "").startswith("application/json")


# ---------------------------------------------------------------------------------------------------------------
# Never a 5xx


def _sweep(group_id: str, user_id: str, role_id: str) -> list[tuple[str, str, object]]:
    g, u, r = f"{GROUPS}/{group_id}", f"/v1/organization/users/{user_id}", f"/v1/organization/roles/{role_id}"
    return [
        ("POST", GROUPS, b"\xff\xfe not utf-8"),
        ("POST", GROUPS, b'{"name": "a", "name": "b"}'),
        ("POST", GROUPS, b'{"name": "\\ud800"}'),
        ("POST", GROUPS, {"name": "x", "unexpected": [1, {"deep": None}]}),
        ("POST", GROUPS, b"[" * 5000 + b"]" * 5000),
        ("GET", f"{GROUPS}?limit=99999999999999999999999", None),
        ("GET", f"{GROUPS}?limit=&order=&after=", None),
        ("GET", f"{GROUPS}?limit=1&limit=2", None),
        ("GET", f"{GROUPS}?after=group_", None),
        ("GET", f"{GROUPS}?after=group_{'Z' * 26}", None),
        ("GET", f"{GROUPS}?after=group_{'0' * 40}", None),
        ("GET", f"{GROUPS}/%00", None),
        ("GET", f"{GROUPS}/{'a' * 5000}", None),
        ("GET", f"{GROUPS}/group_{'U' * 26}", None),
        ("POST", g, {"name": None}),
        ("POST", f"{g}/users", {"user_id": None}),
        ("POST", f"{g}/users", {"user_id": ["x"]}),
        ("POST", f"{g}/users", {"user_id": group_id}),
        ("POST", f"{g}/roles", {"role_id": user_id}),
        ("POST", f"{g}/roles", b"{"),
        ("DELETE", f"{g}/users/{role_id}", None),
        ("DELETE", f"{g}/roles/{user_id}", None),
        ("GET", f"{g}/users?order=DESC", None),
        ("POST", "/v1/organization/roles", {"role_name": "x", "permissions": None}),
        ("POST", "/v1/organization/roles", {"role_name": "x", "permissions": [None]}),
        ("POST", "/v1/organization/roles", {"role_name": 5, "permissions": []}),
        ("POST", r, {"permissions": "api.groups.read"}),
        ("POST", r, {"role_name": None, "description": None, "permissions": None}),
        ("POST", r, {"description": 12}),
        ("POST", u, {}),
        ("POST", u, {"role": None, "role_id": None}),
        ("POST", u, {"role": 7}),
        ("POST", u, {"role_id": "nope"}),
        ("POST", u, {"role": "owner", "role_id": role_id}),
        ("POST", f"{u}/roles", {"role_id": group_id}),
        ("GET", "/v1/organization/users?emails[]=&emails[]=%00", None),
        ("GET", "/v1/organization/users?emails=bob@example.com", None),
        ("GET", "/v1/organization/users?limit=1e2", None),
        ("DELETE", "/v1/organization/users", None),
        ("POST", "/v1/organization/users", {"email": "x@example.com"}),
        ("GET", "/v1/", None),
        ("GET", "/v1/organization", None),
        ("GET", "/", None),
        ("OPTIONS", GROUPS, None),
        ("HEAD", GROUPS, None),
    ]


def test_no_request_in_a_sweep_of_odd_ones_gets_a_5xx(tmp_path):
    # On a server of its own, so that a crash cannot take the shared one down with it.
    server = start_server(tmp_path)
    try:
        org = server.client().admin.organization
        group = org.groups.create(name="sweep")
        role = org.roles.create(role_name="sweep", permissions=["api.groups.read"])
        user_id = org.users.list().data[0].id
        failures = []
        for method, path, body in _sweep(group.id, user_id, role.id):
            try:
                response = raw_request(server.origin, method, path, body, key=server.admin_key)
            except Exception as error:  # noqa: BLE001 - a dropped connection is a failure too
                failures.append(f"{method} {path} {str(body)[:60]!r} -> {type(error).__name__}: {error}")
                if server.process.poll() is not None:
                    failures.append(f"the server exited with {server.process.returncode}:\n{server.log()}")
                    break
                continue
            if response.status >= 500:
                failures.append(f"{method} {path} {str(body)[:60]!r} -> {response.status} {response.body[:200]!r}")
            elif response.status >= 400 and method != "HEAD":
                try:
                    error = response.json()["error"]
                    assert error["type"] == "invalid_request_error" and error["message"]
                except Exception:  # noqa: BLE001 - collected and reported below
                    failures.append(f"{method} {path} -> {response.status} without the error envelope: "
                                    f"{response.body[:200]!r}")
        assert not failures, "\n".join(failures)
        # The server still answers normally afterwards.
        assert org.groups.retrieve(group.id).id == group.id
        assert org.users.retrieve(user_id).role == "owner"
    finally:
        server.stop()


def test_errors_for_requests_without_a_key_use_the_envelope_even_on_unknown_routes(raw):
    for path in ("/v1/organization/groups", "/v1/organization/nothing-here"):
        response = raw("GET", path, key=None)
        assert response.status in (401, 404), response.status
        assert_raw_error(response, response.status)


# ---------------------------------------------------------------------------------------------------------------
# The HTTP layer's own limits


def _raw_exchange(server, request: bytes) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("request_bytes", [
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",
    b"GET /" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(5000)) + b"\r\n",
], ids=["huge header", "huge request line", "too many headers"])
def test_an_oversized_request_head_is_a_400_and_the_connection_closes(server, request_bytes):
    # The HTTP layer answers these before Roster sees them, with a status and no body.
    answer = _raw_exchange(server, request_bytes)
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b"connection: close" in answer.lower()


def test_the_server_still_answers_after_oversized_requests(server):
    _raw_exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
    assert _raw_exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 200 ")
