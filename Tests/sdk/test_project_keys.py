"""Project API keys, service account keys, model access and the gateway endpoint through the official SDK.

What a platform team scripts: rotate a service account's keys, find keys whose owner left, lock a project to some
models, switch a hosted tool off, set a model's limits, and see each of these decide the next model call that
`/v1/gateway/authorize` is asked about.
"""

from __future__ import annotations

import openai
import pytest

from support import ADMIN_KEY, Server, raw_request, unique


def gateway(server: Server, key: str, *, model: str | None = None, tool: str | None = None, path: str = "/v1/chat/completions"):
    """Asks, as nginx's auth_request does, whether `key` may call `path`."""
    headers = {"X-Original-URI": path, "X-Original-Method": "POST"}
    if model:
        headers["X-Roster-Model"] = model
    if tool:
        headers["X-Roster-Tool"] = tool
    return raw_request(server.origin, "GET", "/v1/gateway/authorize", key=key, headers=headers)


@pytest.fixture
def project(org):
    return org.projects.create(name=unique("Gateway"))


def test_a_service_account_rotates_its_keys_without_a_gap(server, org, project):
    projects = org.projects
    account = projects.service_accounts.create(project.id, name=unique("bot"))
    old_key = account.api_key.value
    assert gateway(server, old_key).status == 200

    new = projects.service_accounts.api_keys.create(account.id, project_id=project.id, name="rotated")
    assert new.value.startswith("sk-svcacct-") and new.id != account.api_key.id
    assert gateway(server, new.value).status == 200 and gateway(server, old_key).status == 200, "both work during the switch"

    listed = projects.api_keys.list(project.id, limit=20)
    assert {k.id for k in listed.data} == {account.api_key.id, new.id}
    assert all(k.owner.type == "service_account" and k.owner_project_access == "active" for k in listed.data)
    assert old_key not in str(listed.to_dict()), "no list shows a secret"

    narrowed = projects.api_keys.update(new.id, project_id=project.id, scopes=["api.project.users.read"])
    assert narrowed.id == new.id
    refused = gateway(server, new.value)
    assert refused.status == 403 and refused.json()["error"]["code"] == "missing_permission", "narrowed on the next call"
    widened = projects.api_keys.update(new.id, project_id=project.id, scopes=[], expires_in_seconds=3600)
    assert widened.id == new.id and gateway(server, new.value).status == 200, "an empty list lifts the limits"

    deleted = projects.api_keys.delete(account.api_key.id, project_id=project.id)
    assert deleted.deleted is True
    refused = gateway(server, old_key)
    assert refused.status == 401 and refused.json()["error"]["code"] == "invalid_api_key"
    assert gateway(server, new.value).status == 200


def test_keys_whose_owner_left_are_listed_inactive_and_stop(server, org, project):
    # The suite's admin key is the one whose redacted value ends as the key does; its owner makes a key of its own.
    admin_keys = org.admin_api_keys.list(limit=100).data
    caller = next(k.owner.id for k in admin_keys if k.redacted_value == "sk-admin-..." + ADMIN_KEY[-4:])
    org.projects.users.create(project.id, user_id=caller, role="member")
    created = raw_request(server.origin, "POST", f"/v1/organization/projects/{project.id}/api_keys",
                          {"name": "mine", "scopes": ["api.model.request"]}, key=ADMIN_KEY)
    assert created.status == 200, created.body
    mine = created.json()
    assert mine["value"].startswith("sk-proj-") and mine["owner"]["type"] == "user"
    assert gateway(server, mine["value"]).status == 200

    org.projects.users.delete(caller, project_id=project.id)
    inactive = org.projects.api_keys.list(project.id, owner_project_access="inactive")
    assert [k.id for k in inactive.data] == [mine["id"]]
    assert [k.id for k in org.projects.api_keys.list(project.id, owner_project_access="active").data] == []
    refused = gateway(server, mine["value"])
    assert refused.status == 401 and refused.json()["error"]["code"] == "inactive_api_key"


def test_model_permissions_and_hosted_tools_decide_the_next_call(server, org, project):
    projects = org.projects
    key = projects.service_accounts.create(project.id, name=unique("bot")).api_key.value
    assert projects.model_permissions.retrieve(project.id).mode == "deny_list"

    locked = projects.model_permissions.update(project.id, mode="allow_list", model_ids=["gpt-4.1-mini"])
    assert locked.model_ids == ["gpt-4.1-mini"]
    assert gateway(server, key, model="gpt-4.1-mini").status == 200
    refused = gateway(server, key, model="o3")
    assert refused.status == 403 and refused.json()["error"]["code"] == "model_not_allowed"
    assert projects.model_permissions.delete(project.id).deleted is True
    assert gateway(server, key, model="o3").status == 200

    tools = projects.hosted_tool_permissions.update(project.id, code_interpreter={"enabled": False})
    assert tools.code_interpreter.enabled is False and tools.web_search.enabled is True
    assert gateway(server, key, tool="code_interpreter").status == 403
    assert gateway(server, key, tool="web_search").status == 200


def test_rate_limits_reach_the_gateway_as_headers(server, org, project):
    projects = org.projects
    key = projects.service_accounts.create(project.id, name=unique("bot")).api_key.value
    limits = projects.rate_limits.list_rate_limits(project.id, limit=100)
    ids = [limit.id for limit in limits.data]
    assert "rl-gpt-4o" in ids and ids == sorted(ids)
    updated = projects.rate_limits.update_rate_limit("rl-gpt-4o", project_id=project.id, max_requests_per_1_minute=42,
                                                     max_tokens_per_1_minute=4200)
    assert (updated.max_requests_per_1_minute, updated.max_tokens_per_1_minute) == (42, 4200)
    answer = gateway(server, key, model="gpt-4o")
    assert answer.status == 200
    assert answer.headers.get("X-Roster-RateLimit-Requests-Per-Minute") == "42"
    assert answer.headers.get("X-Roster-RateLimit-Tokens-Per-Minute") == "4200"
    assert answer.headers.get("X-Roster-Project-Id") == project.id

    with pytest.raises(openai.BadRequestError) as excinfo:
        projects.rate_limits.update_rate_limit("rl-gpt-4o", project_id=project.id, max_images_per_1_minute=3)
    assert "max_images_per_1_minute" in str(excinfo.value)
