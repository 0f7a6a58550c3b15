"""Identifiers: `user_`, `group_` and `role_` followed by a ULID, ordered by creation."""

from __future__ import annotations

from support import assert_id, unique


def test_group_ids_are_group_prefix_and_a_26_character_ulid(new_group):
    assert_id(new_group().id, "group")


def test_role_ids_are_role_prefix_and_a_26_character_ulid(new_role):
    assert_id(new_role().id, "role")


def test_every_listed_role_including_the_predefined_ones_has_a_role_ulid_id(org):
    for role in org.roles.list(limit=1000).data:
        assert role.id.startswith("role_") and len(role.id) == len("role_") + 26, role.id


def test_user_ids_are_user_prefix_and_a_26_character_ulid(org):
    users = org.users.list(limit=100).data
    assert users
    for user in users:
        assert_id(user.id, "user")


def test_seeded_groups_have_group_ulid_ids(org):
    for group in org.groups.list(limit=1000).data:
        assert_id(group.id, "group")


def test_ids_of_groups_created_later_sort_after_earlier_ones(org):
    created = [org.groups.create(name=unique("ordered")).id for _ in range(12)]
    assert created == sorted(created)
    assert len(set(created)) == len(created)


def test_ids_of_roles_created_later_sort_after_earlier_ones(org):
    created = [org.roles.create(role_name=unique("ordered"), permissions=["api.roles.read"]).id for _ in range(12)]
    assert created == sorted(created)
    assert len(set(created)) == len(created)


def test_seeded_users_get_ids_in_the_order_the_seed_lists_them(user_ids):
    # The bulk users are created one after another from the seed file, so their ids ascend in file order.
    emails = [f"bulk{i:03d}@example.com" for i in range(0, 105, 7)]
    seeded = user_ids(*emails)
    assert seeded == sorted(seeded)
