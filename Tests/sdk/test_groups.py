"""Groups: create, retrieve, rename, delete, unique names, and what deleting a group takes with it."""

from __future__ import annotations

import time

import openai
import pytest

from support import assert_api_error, ids, unique

UNKNOWN_GROUP = "group_01J00000000000000000000000"


def test_creating_a_group_returns_it_with_its_name_and_a_fresh_timestamp(org):
    name = unique("Support Team")
    response = org.groups.with_raw_response.create(name=name)
    assert response.status_code == 200
    body = response.http_response.json()
    assert body["name"] == name
    assert body["id"].startswith("group_")
    assert body["is_scim_managed"] is False
    assert abs(body["created_at"] - time.time()) < 300
    group = response.parse()
    assert group.id == body["id"] and group.name == name


def test_a_created_group_can_be_retrieved_and_is_listed(org, new_group):
    group = new_group()
    fetched = org.groups.retrieve(group.id)
    assert (fetched.id, fetched.name, fetched.created_at, fetched.is_scim_managed) == (
        group.id, group.name, group.created_at, False)
    assert group.id in ids(org.groups.list(limit=1000).data)


def test_retrieve_reports_group_type_group(org, new_group):
    group = new_group()
    body = org.groups.with_raw_response.retrieve(group.id).http_response.json()
    assert body.get("group_type") == "group"


def test_renaming_a_group_returns_and_keeps_the_new_name(org, new_group):
    group = new_group()
    new_name = unique("Escalations")
    updated = org.groups.update(group.id, name=new_name)
    assert updated.id == group.id and updated.name == new_name
    assert updated.is_scim_managed is False
    assert updated.created_at == group.created_at
    assert org.groups.retrieve(group.id).name == new_name


def test_renaming_a_group_to_its_own_name_succeeds(org, new_group):
    group = new_group()
    assert org.groups.update(group.id, name=group.name).name == group.name


def test_deleting_a_group_returns_group_deleted_and_it_is_gone(org, new_group):
    group = new_group()
    deleted = org.groups.delete(group.id)
    assert (deleted.object, deleted.id, deleted.deleted) == ("group.deleted", group.id, True)
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.groups.retrieve(group.id)
    assert_api_error(excinfo, 404)
    assert group.id not in ids(org.groups.list(limit=1000).data)


def test_deleting_a_group_twice_is_404_the_second_time(org, new_group):
    group = new_group()
    org.groups.delete(group.id)
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.groups.delete(group.id)
    assert_api_error(excinfo, 404)


def test_group_names_are_unique_on_create_with_409(org, new_group):
    group = new_group()
    with pytest.raises(openai.ConflictError) as excinfo:
        org.groups.create(name=group.name)
    assert_api_error(excinfo, 409)


def test_group_names_are_unique_regardless_of_case(org, new_group):
    group = new_group("Équipe")
    with pytest.raises(openai.ConflictError) as excinfo:
        org.groups.create(name=group.name.upper())
    assert_api_error(excinfo, 409)


def test_renaming_a_group_to_a_taken_name_is_rejected_with_409(org, new_group):
    first, second = new_group(), new_group()
    with pytest.raises(openai.ConflictError) as excinfo:
        org.groups.update(second.id, name=first.name)
    assert_api_error(excinfo, 409)
    assert org.groups.retrieve(second.id).name == second.name


def test_a_deleted_groups_name_can_be_used_again(org, new_group):
    group = new_group()
    org.groups.delete(group.id)
    again = org.groups.create(name=group.name)
    assert again.id != group.id and again.name == group.name


@pytest.mark.parametrize(
    "call",
    [
        lambda o: o.groups.retrieve(UNKNOWN_GROUP),
        lambda o: o.groups.update(UNKNOWN_GROUP, name=unique("x")),
        lambda o: o.groups.delete(UNKNOWN_GROUP),
        lambda o: o.groups.users.list(UNKNOWN_GROUP),
        lambda o: o.groups.roles.list(UNKNOWN_GROUP),
        lambda o: o.groups.retrieve("nope"),
    ],
    ids=["retrieve", "update", "delete", "users.list", "roles.list", "malformed id"],
)
def test_an_unknown_group_id_is_404(org, call):
    with pytest.raises(openai.NotFoundError) as excinfo:
        call(org)
    assert_api_error(excinfo, 404)


def test_deleting_a_group_removes_its_memberships_and_role_assignments(org, new_group, new_role, user_ids):
    group, role = new_group(), new_role()
    member = user_ids("dave@example.com")
    org.groups.users.create(group.id, user_id=member)
    org.groups.roles.create(group.id, role_id=role.id)
    assert role.id in ids(org.users.roles.list(member, limit=1000).data)

    org.groups.delete(group.id)

    assert role.id not in ids(org.users.roles.list(member, limit=1000).data)
    with pytest.raises(openai.NotFoundError):
        org.groups.users.list(group.id)
    with pytest.raises(openai.NotFoundError):
        org.groups.roles.list(group.id)
    # The role and the user themselves survive.
    assert org.roles.retrieve(role.id).id == role.id
    assert org.users.retrieve(member).id == member
