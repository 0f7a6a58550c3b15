"""The process around the API: health, the served OpenAPI document, request ids, shutdown, authentication."""

from __future__ import annotations

import http.client
import signal
import threading
import time

import openai
import pytest

from support import assert_api_error, assert_raw_error, fresh_database, ids, make_client, raw_request, start_server


def test_healthz_answers_200_without_a_key(raw):
    response = raw("GET", "/healthz", key=None)
    assert response.status == 200


def test_openapi_yaml_is_served_without_a_key(raw):
    response = raw("GET", "/openapi.yaml", key=None)
    assert response.status == 200
    text = response.body.decode()
    assert text.lstrip().startswith("openapi:") or "\nopenapi:" in text, text[:200]
    assert "/organization/groups" in text


def test_every_response_carries_an_x_request_id_header(raw, org):
    responses = {
        "healthz": raw("GET", "/healthz", key=None),
        "openapi": raw("GET", "/openapi.yaml", key=None),
        "200": raw("GET", "/v1/organization/groups?limit=1"),
        "400": raw("GET", "/v1/organization/groups?limit=abc"),
        "401": raw("GET", "/v1/organization/groups", key=None),
        "404 id": raw("GET", "/v1/organization/groups/group_01J00000000000000000000000"),
        "404 route": raw("GET", "/v1/organization/nothing-here"),
        "405": raw("PUT", "/v1/organization/groups", {"name": "x"}),
        "409": raw("DELETE", f"/v1/organization/roles/{org.roles.list().data[0].id}"),
        "400 json": raw("POST", "/v1/organization/groups", b"{"),
        "413": raw("POST", "/v1/organization/groups", b"[" + b" " * (1024 * 1024 + 1) + b"]"),
    }
    request_ids = []
    for label, response in responses.items():
        value = response.headers.get("x-request-id")
        assert value and value.strip(), f"{label}: no x-request-id header"
        request_ids.append(value)
    assert len(set(request_ids)) == len(request_ids), f"request ids repeat: {request_ids}"

    sdk_response = org.groups.with_raw_response.list(limit=1)
    assert sdk_response.status_code == 200
    assert sdk_response.headers.get("x-request-id")


def test_the_sdk_error_carries_the_request_id_of_the_failed_request(org):
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.groups.retrieve("group_01J00000000000000000000000")
    assert excinfo.value.request_id
    assert excinfo.value.request_id == excinfo.value.response.headers["x-request-id"]


def test_a_request_without_a_key_is_rejected_with_401(raw):
    response = raw("GET", "/v1/organization/groups", key=None)
    assert_raw_error(response, 401)


def test_a_request_with_a_non_bearer_authorization_header_is_rejected_with_401(raw):
    response = raw("GET", "/v1/organization/groups", key=None, headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    assert_raw_error(response, 401)


@pytest.mark.parametrize(
    "call",
    [
        lambda o: o.groups.list(),
        lambda o: o.groups.create(name="never made"),
        lambda o: o.roles.list(),
        lambda o: o.users.list(),
        lambda o: o.users.retrieve("user_01J00000000000000000000000"),
    ],
    ids=["groups.list", "groups.create", "roles.list", "users.list", "users.retrieve"],
)
def test_an_unknown_key_is_rejected_with_401_authentication_error(server, call):
    stranger = make_client(server.base_url, "sk-admin-not-a-key-this-server-issued")
    with pytest.raises(openai.AuthenticationError) as excinfo:
        call(stranger.admin.organization)
    assert_api_error(excinfo, 401)


def test_a_rejected_key_creates_nothing(server, org):
    stranger = make_client(server.base_url, "sk-admin-wrong")
    with pytest.raises(openai.AuthenticationError):
        stranger.admin.organization.groups.create(name="made by a stranger")
    assert "made by a stranger" not in [g.name for g in org.groups.list(limit=1000).data]


def test_sigterm_shuts_the_server_down_gracefully_with_exit_code_0(tmp_path):
    server = start_server(tmp_path, database=fresh_database(tmp_path))
    try:
        group = server.client().admin.organization.groups.create(name="before shutdown")
        assert group.id.startswith("group_")
    finally:
        status = server.stop(signal.SIGTERM, timeout=20)
    assert status == 0, f"exit status {status}; log:\n{server.log()}"


def test_sigterm_exits_0_promptly_even_with_an_idle_keep_alive_connection_open(tmp_path):
    server = start_server(tmp_path)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", "/v1/organization/groups", headers={"Authorization": f"Bearer {server.admin_key}"})
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        assert not response.will_close  # the connection stays open, idle, while the server is told to stop
        started = time.monotonic()
        status = server.stop(signal.SIGTERM, timeout=20)
        assert status == 0, f"exit status {status}; log:\n{server.log()}"
        assert time.monotonic() - started < 10
    finally:
        connection.close()
        server.stop(signal.SIGKILL)


def test_sigterm_during_a_burst_of_writes_exits_0_and_keeps_every_acknowledged_write(tmp_path):
    database = fresh_database(tmp_path)
    server = start_server(tmp_path / "first", database=database)
    acknowledged: list[str] = []
    refused: list[str] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        client = server.client()
        for i in range(200):
            try:
                group = client.admin.organization.groups.create(name=f"burst {n}-{i}")
            except openai.APIConnectionError:
                return  # the server stopped accepting requests
            except openai.APIStatusError as error:
                with lock:
                    refused.append(f"{error.status_code}: {error.body}")
                return
            with lock:
                acknowledged.append(group.id)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    status = server.stop(signal.SIGTERM, timeout=20)
    for thread in threads:
        thread.join(timeout=30)
    assert status == 0, f"exit status {status}; log:\n{server.log()}"
    assert len(acknowledged) >= 40
    assert not [r for r in refused if int(r.split(":")[0]) >= 500], refused

    again = start_server(tmp_path / "second", database=database)
    try:
        listed = set(ids(again.client().admin.organization.groups.list(limit=1000).data))
        missing = [g for g in acknowledged if g not in listed]
        assert not missing, f"{len(missing)} acknowledged groups lost: {missing[:5]}"
    finally:
        again.stop()


def test_an_admin_key_is_valid_only_on_the_server_started_with_it(tmp_path):
    server = start_server(tmp_path, admin_key="sk-admin-another-one")
    try:
        assert raw_request(server.origin, "GET", "/healthz").status == 200
        assert server.client().admin.organization.groups.list().data == []
        with pytest.raises(openai.AuthenticationError):
            make_client(server.base_url, "sk-admin-sdk-suite-0123456789abcdef").admin.organization.groups.list()
    finally:
        server.stop()
