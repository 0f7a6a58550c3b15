"""Group membership: add, list, retrieve, remove, idempotent adds, 404s, and what deleting a user takes with it."""

from __future__ import annotations

import openai
import pytest

from support import assert_api_error, ids

UNKNOWN_USER = "user_01J00000000000000000000000"
UNKNOWN_GROUP = "group_01J00000000000000000000000"


def test_adding_a_member_returns_group_user_with_both_ids(org, new_group, user_ids):
    group, user_id = new_group(), user_ids("erin@example.com")
    response = org.groups.users.with_raw_response.create(group.id, user_id=user_id)
    assert response.status_code == 200
    body = response.http_response.json()
    assert (body["object"], body["user_id"], body["group_id"]) == ("group.user", user_id, group.id)


def test_a_member_is_listed_with_id_name_and_email(org, new_group, user_ids):
    group, user_id = new_group(), user_ids("erin@example.com")
    org.groups.users.create(group.id, user_id=user_id)
    page = org.groups.users.list(group.id)
    assert [(u.id, u.name, u.email) for u in page.data] == [(user_id, "Erin", "erin@example.com")]


def test_retrieving_a_member_returns_the_user(org, new_group, user_ids):
    group, user_id = new_group(), user_ids("erin@example.com")
    org.groups.users.create(group.id, user_id=user_id)
    body = org.groups.users.with_raw_response.retrieve(user_id, group_id=group.id).http_response.json()
    assert body["id"] == user_id
    assert body["name"] == "Erin"
    assert body["email"] == "erin@example.com"


def test_retrieving_a_user_who_is_not_a_member_is_404(org, new_group, user_ids):
    group, user_id = new_group(), user_ids("erin@example.com")
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.groups.users.retrieve(user_id, group_id=group.id)
    assert_api_error(excinfo, 404)


def test_adding_a_member_twice_leaves_exactly_one_membership_and_both_calls_succeed(org, new_group, user_ids):
    group, user_id = new_group(), user_ids("frank@example.com")
    first = org.groups.users.with_raw_response.create(group.id, user_id=user_id)
    second = org.groups.users.with_raw_response.create(group.id, user_id=user_id)
    assert (first.status_code, second.status_code) == (200, 200)
    assert ids(org.groups.users.list(group.id).data) == [user_id]


def test_removing_a_member_returns_group_user_deleted_and_unlists_it(org, new_group, user_ids):
    group = new_group()
    stays, leaves = user_ids("erin@example.com", "frank@example.com")
    org.groups.users.create(group.id, user_id=stays)
    org.groups.users.create(group.id, user_id=leaves)
    removed = org.groups.users.delete(leaves, group_id=group.id)
    assert (removed.object, removed.deleted) == ("group.user.deleted", True)
    assert ids(org.groups.users.list(group.id).data) == [stays]


def test_removing_a_user_who_is_not_a_member_is_404(org, new_group, user_ids):
    group, user_id = new_group(), user_ids("erin@example.com")
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.groups.users.delete(user_id, group_id=group.id)
    assert_api_error(excinfo, 404)


def test_removing_a_member_twice_is_404_the_second_time(org, new_group, user_ids):
    group, user_id = new_group(), user_ids("erin@example.com")
    org.groups.users.create(group.id, user_id=user_id)
    org.groups.users.delete(user_id, group_id=group.id)
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.groups.users.delete(user_id, group_id=group.id)
    assert_api_error(excinfo, 404)


def test_adding_an_unknown_user_is_404_and_adds_nothing(org, new_group):
    group = new_group()
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.groups.users.create(group.id, user_id=UNKNOWN_USER)
    assert_api_error(excinfo, 404)
    assert org.groups.users.list(group.id).data == []


def test_adding_a_member_to_an_unknown_group_is_404(org, user_ids):
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.groups.users.create(UNKNOWN_GROUP, user_id=user_ids("erin@example.com"))
    assert_api_error(excinfo, 404)


@pytest.mark.parametrize(
    "call",
    [
        lambda o, g, u: o.groups.users.delete(UNKNOWN_USER, group_id=g),
        lambda o, g, u: o.groups.users.delete(u, group_id=UNKNOWN_GROUP),
        lambda o, g, u: o.groups.users.retrieve(UNKNOWN_USER, group_id=g),
        lambda o, g, u: o.groups.users.retrieve(u, group_id=UNKNOWN_GROUP),
    ],
    ids=["remove unknown user", "remove from unknown group", "retrieve unknown user", "retrieve from unknown group"],
)
def test_unknown_ids_in_membership_paths_are_404(org, new_group, user_ids, call):
    group, user_id = new_group(), user_ids("erin@example.com")
    with pytest.raises(openai.NotFoundError) as excinfo:
        call(org, group.id, user_id)
    assert_api_error(excinfo, 404)


def test_a_missing_user_id_when_adding_a_member_is_400_naming_user_id(raw, new_group):
    group = new_group()
    response = raw("POST", f"/v1/organization/groups/{group.id}/users", {})
    assert response.status == 400, response.body
    assert response.json()["error"]["param"] == "user_id"


def test_a_user_can_be_in_several_groups(org, new_group, user_ids):
    first, second = new_group(), new_group()
    user_id = user_ids("heidi@example.com")
    org.groups.users.create(first.id, user_id=user_id)
    org.groups.users.create(second.id, user_id=user_id)
    assert ids(org.groups.users.list(first.id).data) == [user_id]
    assert ids(org.groups.users.list(second.id).data) == [user_id]


def test_deleting_a_user_removes_its_memberships_and_assignments(org, new_group, new_role, user_ids):
    group, role, group_role = new_group(), new_role(), new_role()
    doomed, other = user_ids("deleted-member@example.com", "heidi@example.com")
    org.groups.users.create(group.id, user_id=doomed)
    org.groups.users.create(group.id, user_id=other)
    org.groups.roles.create(group.id, role_id=group_role.id)
    org.users.roles.create(doomed, role_id=role.id)

    org.users.delete(doomed)

    assert ids(org.groups.users.list(group.id).data) == [other]
    with pytest.raises(openai.NotFoundError):
        org.groups.users.retrieve(doomed, group_id=group.id)
    with pytest.raises(openai.NotFoundError):
        org.users.roles.list(doomed)
    assert org.users.list(emails=["deleted-member@example.com"]).data == []
    # The group, its role and the directly assigned role survive and can still be deleted cleanly.
    assert ids(org.groups.roles.list(group.id).data) == [group_role.id]
    assert org.roles.delete(role.id).deleted is True
