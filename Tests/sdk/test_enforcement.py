"""Permission enforcement through the official SDK: a key may do what its owner's roles allow, and nothing more.

Every key belongs to a user, and the Admin API makes keys only for the caller's own user, so this module runs a
server of its own on a database file, the way an operator would reach a non-owner key:

1. The start-up key belongs to the first owner. That owner steps down to reader (a second owner, seeded, keeps the
   organization administrable), so the same key is now a reader's key.
2. A restart with a new `--admin-key` gives that key to the organization's first owner, now the seeded one, who gives
   the former owner a custom role directly and another through a group.
"""

from __future__ import annotations

import openai
import pytest

from support import assert_api_error, find_role, raw_request, start_server, unique

READER_KEY = "sk-admin-enforcement-reader-0123456789"
OWNER_KEY = "sk-admin-enforcement-owner-0123456789"
SEED = {
    "roles": [
        {"name": "Group Manager", "permissions": ["api.groups.read", "api.groups.write"]},
        {"name": "Inviter", "permissions": ["api.invites.write"]},
    ],
    "users": [
        {"email": "standby@example.com", "name": "Standby Owner", "role": "owner"},
        {"email": "someone@example.com", "name": "Someone"},
    ],
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """{"reader": SDK organization of the stepped-down owner's key, "owner": the standby owner's, ids, phases}."""
    workdir = tmp_path_factory.mktemp("roster-enforcement")
    database = str(workdir / "roster.sqlite")
    first = start_server(workdir, database=database, admin_key=READER_KEY, seed=SEED)
    try:
        org = first.client().admin.organization
        me = next(u for u in org.users.list(limit=100).data if u.email == "owner@localhost")
        org.users.update(me.id, role="reader")
        # Phase 1: the key's owner is a plain reader.
        reader_only = first.client().admin.organization
        phase1 = {}
        phase1["groups"] = len(reader_only.groups.list().data)
        with pytest.raises(openai.PermissionDeniedError) as denied:
            reader_only.groups.create(name=unique("not allowed"))
        phase1["denied"] = denied
    finally:
        first.stop()
    second = start_server(workdir, database=database, admin_key=OWNER_KEY)
    yield {
        "server": second, "me": me, "phase1": phase1,
        "owner": second.client(OWNER_KEY).admin.organization,
        "reader": second.client(READER_KEY).admin.organization,
    }
    second.stop()


def check(world, user_id: str, permission: str) -> dict:
    response = raw_request(world["server"].origin, "POST", "/v1/organization/permission_checks",
                           {"user_id": user_id, "permission": permission}, key=OWNER_KEY)
    assert response.status == 200, response.body
    return response.json()


def test_a_reader_key_gets_403_on_a_write(world):
    assert world["phase1"]["groups"] >= 0  # reading was allowed
    error = assert_api_error(world["phase1"]["denied"], 403, code="missing_permission", param=None)
    assert "'api.groups.write'" in error["message"]
    assert world["reader"].users.retrieve(world["me"].id).role == "reader"
    with pytest.raises(openai.PermissionDeniedError) as denied:
        world["reader"].roles.create(role_name=unique("role"), permissions=["api.groups.read"])
    assert "'api.roles.write'" in assert_api_error(denied, 403, code="missing_permission")["message"]


def test_a_custom_role_holder_can_do_exactly_its_permissions(world):
    owner, reader, me = world["owner"], world["reader"], world["me"]
    manager = find_role(owner, "Group Manager")
    owner.users.roles.create(me.id, role_id=manager.id)
    inviters = owner.groups.create(name=unique("inviters"))
    owner.groups.users.create(inviters.id, user_id=me.id)
    owner.groups.roles.create(inviters.id, role_id=find_role(owner, "Inviter").id)

    # What the roles give: groups through the direct role, invites through the group's.
    group = reader.groups.create(name=unique("mine"))
    reader.groups.update(group.id, name=unique("renamed"))
    reader.groups.delete(group.id)
    invite = reader.invites.create(email=f"{unique('invitee').replace(' ', '-')}@example.com", role="reader")
    assert invite.status == "pending"
    assert check(world, me.id, "api.groups.write")["allowed"] is True
    sources = check(world, me.id, "api.invites.write")["sources"]
    assert [s["group"]["id"] for s in sources] == [inviters.id]

    # And nothing else: each refusal names the permission it lacks, and the check agrees.
    someone = next(u for u in owner.users.list(limit=100).data if u.email == "someone@example.com")
    refusals = {
        "api.roles.write": lambda: reader.roles.create(role_name=unique("role"), permissions=["api.groups.read"]),
        "api.users.write": lambda: reader.users.delete(someone.id),
        "api.role_assignments.write": lambda: reader.users.roles.create(someone.id, role_id=manager.id),
        "api.projects.write": lambda: reader.projects.create(name=unique("project")),
        "api.admin_keys.write": lambda: reader.admin_api_keys.create(name="more"),
    }
    for permission, attempt in refusals.items():
        with pytest.raises(openai.PermissionDeniedError) as denied:
            attempt()
        assert f"'{permission}'" in assert_api_error(denied, 403, code="missing_permission")["message"]
        assert check(world, me.id, permission)["allowed"] is False


def test_a_role_with_permissions_the_caller_lacks_cannot_be_given(world):
    owner, reader = world["owner"], world["reader"]
    bigger = owner.roles.create(role_name=unique("bigger"), permissions=["api.groups.read", "api.users.write"])
    team = owner.groups.create(name=unique("team"))
    with pytest.raises(openai.PermissionDeniedError) as denied:
        reader.groups.roles.create(team.id, role_id=bigger.id)
    assert "'api.role_assignments.write'" in assert_api_error(denied, 403, code="missing_permission")["message"]

    # Allowed to assign roles now, but not one granting a permission the caller does not hold itself to a group
    # with members: the permission-flow rule. (Assigning it to an empty group moves nothing.)
    assigner = owner.roles.create(role_name=unique("assigner"), permissions=["api.role_assignments.write"])
    owner.users.roles.create(world["me"].id, role_id=assigner.id)
    member = next(u for u in owner.users.list(limit=100).data if u.id != world["me"].id and u.role == "reader")
    owner.groups.users.create(team.id, user_id=member.id)
    with pytest.raises(openai.PermissionDeniedError) as denied:
        reader.groups.roles.create(team.id, role_id=bigger.id)
    error = assert_api_error(denied, 403, code="permission_not_held")
    assert "'api.users.write'" in error["message"] and "'api.groups.read'" not in error["message"]
    assert member.id in error["message"]
    assert bigger.id not in [r.role.id for r in owner.groups.roles.list(team.id)]
    smaller = owner.roles.create(role_name=unique("smaller"), permissions=["api.groups.read"])
    assert reader.groups.roles.create(team.id, role_id=smaller.id).role.id == smaller.id
