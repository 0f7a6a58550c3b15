"""List endpoints: limit, order, after/next, has_more, defaults and validation of the paging parameters."""

from __future__ import annotations

import openai
import pytest

from support import BULK_USERS, all_users, assert_api_error, ids, unique, walk


# ---------------------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def list_target(org, user_ids):
    """A group with 5 members and 5 roles, and a user holding 5 roles directly (plus its predefined one)."""
    group = org.groups.create(name=unique("paging"))
    members = user_ids(*BULK_USERS[:5])
    for user_id in members:
        org.groups.users.create(group.id, user_id=user_id)
    roles = [org.roles.create(role_name=unique("paging"), permissions=["api.groups.read"]) for _ in range(5)]
    for role in roles:
        org.groups.roles.create(group.id, role_id=role.id)
    user_id = user_ids("grace@example.com")
    for role in roles:
        org.users.roles.create(user_id, role_id=role.id)
    # ... and 3 more through a group, so the user's list merges direct and inherited roles.
    other = org.groups.create(name=unique("paging inherited"))
    org.groups.users.create(other.id, user_id=user_id)
    for _ in range(3):
        role = org.roles.create(role_name=unique("inherited"), permissions=["api.users.read"])
        org.groups.roles.create(other.id, role_id=role.id)
    org.groups.roles.create(other.id, role_id=roles[0].id)
    return {"group_id": group.id, "user_id": user_id, "members": members, "roles": [r.id for r in roles]}


@pytest.fixture(scope="module")
def many_roles(org):
    """101 custom roles, so that lists whose default limit is 100 have more than one page."""
    return [org.roles.create(role_name=unique("many"), permissions=["api.roles.read"]).id for _ in range(101)]


# The lists that page with `next`, each as (name, call(org, target, **params)).
CURSOR_LISTS = [
    ("groups", lambda o, t, **kw: o.groups.list(**kw)),
    ("group users", lambda o, t, **kw: o.groups.users.list(t["group_id"], **kw)),
    ("group roles", lambda o, t, **kw: o.groups.roles.list(t["group_id"], **kw)),
    ("roles", lambda o, t, **kw: o.roles.list(**kw)),
    ("user roles", lambda o, t, **kw: o.users.roles.list(t["user_id"], **kw)),
]
CURSOR_LIST_IDS = [name for name, _ in CURSOR_LISTS]
# An id of the wrong kind for each list's `after`.
WRONG_KIND_AFTER = {
    "groups": "user_01J00000000000000000000000",
    "group users": "group_01J00000000000000000000000",
    "group roles": "user_01J00000000000000000000000",
    "roles": "group_01J00000000000000000000000",
    "user roles": "user_01J00000000000000000000000",
    "users": "group_01J00000000000000000000000",
}


# ---------------------------------------------------------------------------------------------------------------
# Paging


def test_paging_through_all_groups_with_limit_2_visits_every_group_exactly_once_in_order(org):
    for _ in range(5):
        org.groups.create(name=unique("page"))
    everything = org.groups.list(limit=1000)
    assert everything.has_more is False and everything.next is None
    expected = ids(everything.data)
    assert len(expected) >= 5
    paged = walk(org.groups.list, limit=2)
    assert paged == expected
    assert len(set(paged)) == len(paged)
    assert paged == sorted(paged)


def test_the_sdk_auto_pager_follows_next_through_every_group(org):
    org.groups.create(name=unique("auto"))
    expected = ids(org.groups.list(limit=1000).data)
    assert [g.id for g in org.groups.list(limit=3)] == expected


def test_order_desc_reverses_the_group_listing(org):
    org.groups.create(name=unique("desc"))
    ascending = ids(org.groups.list(limit=1000, order="asc").data)
    descending = ids(org.groups.list(limit=1000, order="desc").data)
    assert descending == list(reversed(ascending))
    assert walk(org.groups.list, limit=2, order="desc") == descending


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("name,call", CURSOR_LISTS, ids=CURSOR_LIST_IDS)
def test_paging_with_limit_2_visits_the_same_items_as_one_big_page(org, list_target, name, call, order):
    expected = ids(call(org, list_target, limit=1000, order=order).data)
    assert len(expected) >= 5
    assert walk(lambda **kw: call(org, list_target, **kw), limit=2, order=order) == expected
    assert expected == sorted(expected, reverse=(order == "desc"))


def test_next_is_null_when_the_last_page_is_exactly_full(org, user_ids):
    group = org.groups.create(name=unique("exact"))
    for user_id in user_ids(*BULK_USERS[10:14]):
        org.groups.users.create(group.id, user_id=user_id)
    first = org.groups.users.list(group.id, limit=2)
    assert first.has_more is True and first.next == first.data[-1].id
    second = org.groups.users.list(group.id, limit=2, after=first.next)
    assert len(second.data) == 2
    assert second.has_more is False and second.next is None


def test_a_list_of_nothing_has_empty_data_no_more_and_a_null_next(org):
    group = org.groups.create(name=unique("empty"))
    page = org.groups.users.list(group.id)
    assert page.data == [] and page.has_more is False and page.next is None
    roles = org.groups.roles.list(group.id)
    assert roles.data == [] and roles.has_more is False and roles.next is None


def test_the_raw_list_response_has_object_list_data_has_more_and_next(org):
    response = org.groups.with_raw_response.list(limit=1)
    body = response.http_response.json()
    assert body["object"] == "list"
    assert set(body) >= {"object", "data", "has_more", "next"}


@pytest.mark.parametrize("name,call", CURSOR_LISTS, ids=CURSOR_LIST_IDS)
def test_limit_0_returns_empty_data(org, list_target, name, call):
    page = call(org, list_target, limit=0)
    assert page.data == []


@pytest.mark.parametrize("name,call", CURSOR_LISTS, ids=CURSOR_LIST_IDS)
def test_limit_1000_is_accepted(org, list_target, name, call):
    assert call(org, list_target, limit=1000).data


@pytest.mark.parametrize("name,call", CURSOR_LISTS, ids=CURSOR_LIST_IDS)
def test_limit_1_returns_one_item(org, list_target, name, call):
    page = call(org, list_target, limit=1)
    assert len(page.data) == 1 and page.has_more is True


# ---------------------------------------------------------------------------------------------------------------
# Defaults


def test_groups_list_defaults_to_limit_100_in_ascending_order(org):
    existing = len(org.groups.list(limit=1000).data)
    for _ in range(max(0, 101 - existing)):
        org.groups.create(name=unique("bulk"))
    page = org.groups.list()
    assert len(page.data) == 100
    assert page.has_more is True
    assert ids(page.data) == ids(org.groups.list(limit=100, order="asc").data)
    assert ids(page.data) == sorted(ids(page.data))


def test_group_users_list_defaults_to_limit_100_in_descending_order(org, user_ids):
    group = org.groups.create(name=unique("crowd"))
    members = user_ids(*BULK_USERS[:101])
    for user_id in members:
        org.groups.users.create(group.id, user_id=user_id)
    page = org.groups.users.list(group.id)
    assert len(page.data) == 100
    assert page.has_more is True
    assert ids(page.data) == sorted(members, reverse=True)[:100]
    rest = org.groups.users.list(group.id, after=page.next)
    assert ids(rest.data) == [min(members)] and rest.has_more is False


def test_roles_list_defaults_to_limit_1000_in_ascending_order(org, many_roles):
    page = org.roles.list()
    listed = ids(page.data)
    assert len(listed) > 100
    assert set(many_roles) <= set(listed)
    assert page.has_more is False and page.next is None
    assert listed == sorted(listed)


def test_group_roles_list_defaults_to_limit_100_in_ascending_order(org, many_roles):
    group = org.groups.create(name=unique("many roles"))
    for role_id in many_roles:
        org.groups.roles.create(group.id, role_id=role_id)
    page = org.groups.roles.list(group.id)
    assert len(page.data) == 100
    assert page.has_more is True
    assert ids(page.data) == sorted(many_roles)[:100]


def test_user_roles_list_defaults_to_limit_100_in_ascending_order(org, many_roles, user_ids):
    user_id = user_ids("many-roles@example.com")
    for role_id in many_roles:
        org.users.roles.create(user_id, role_id=role_id)
    everything = ids(org.users.roles.list(user_id, limit=1000).data)
    assert set(many_roles) <= set(everything)
    page = org.users.roles.list(user_id)
    assert len(page.data) == 100
    assert page.has_more is True
    assert ids(page.data) == sorted(everything)[:100]


# ---------------------------------------------------------------------------------------------------------------
# Invalid paging parameters


@pytest.mark.parametrize("limit", [1001, -1, "abc", "1.5"])
@pytest.mark.parametrize("name,call", CURSOR_LISTS, ids=CURSOR_LIST_IDS)
def test_an_invalid_limit_is_rejected_with_400_naming_limit(org, list_target, name, call, limit):
    with pytest.raises(openai.BadRequestError) as excinfo:
        call(org, list_target, extra_query={"limit": limit})
    assert_api_error(excinfo, 400, param="limit")


@pytest.mark.parametrize("name,call", CURSOR_LISTS, ids=CURSOR_LIST_IDS)
def test_an_invalid_order_is_rejected_with_400_naming_order(org, list_target, name, call):
    with pytest.raises(openai.BadRequestError) as excinfo:
        call(org, list_target, order="sideways")
    assert_api_error(excinfo, 400, param="order")


@pytest.mark.parametrize("name,call", CURSOR_LISTS, ids=CURSOR_LIST_IDS)
def test_a_malformed_after_is_rejected_with_400_naming_after(org, list_target, name, call):
    with pytest.raises(openai.BadRequestError) as excinfo:
        call(org, list_target, after="nope")
    assert_api_error(excinfo, 400, param="after")


@pytest.mark.parametrize("name,call", CURSOR_LISTS, ids=CURSOR_LIST_IDS)
def test_an_after_id_of_the_wrong_kind_is_rejected_with_400_naming_after(org, list_target, name, call):
    with pytest.raises(openai.BadRequestError) as excinfo:
        call(org, list_target, after=WRONG_KIND_AFTER[name])
    assert_api_error(excinfo, 400, param="after")


# ---------------------------------------------------------------------------------------------------------------
# The users list: first_id / last_id / has_more, limit 1..100 (default 20), ascending


def test_users_list_defaults_to_20_users_in_ascending_order(org):
    page = org.users.list()
    assert len(page.data) == 20
    assert page.has_more is True
    assert ids(page.data) == sorted(ids(page.data))


def test_users_list_reports_first_id_and_last_id_and_no_next(org):
    response = org.users.with_raw_response.list(limit=3)
    body = response.http_response.json()
    assert body["object"] == "list"
    assert "next" not in body
    assert body["first_id"] == body["data"][0]["id"]
    assert body["last_id"] == body["data"][-1]["id"]
    assert body["has_more"] is True
    for user in body["data"]:
        assert user["object"] == "organization.user"
        assert set(user) >= {"id", "name", "email", "role", "added_at"}


def test_paging_through_users_with_after_last_id_visits_every_user_once_in_ascending_order(org):
    expected = ids(all_users(org))
    assert len(expected) > 100
    seen, after = [], None
    for _ in range(100):
        page = org.users.list(limit=7, **({"after": after} if after else {}))
        seen += ids(page.data)
        if not page.has_more:
            break
        assert page.last_id == page.data[-1].id
        after = page.last_id
    assert seen == expected
    assert seen == sorted(seen)
    assert len(set(seen)) == len(seen)
    assert [u.id for u in org.users.list(limit=30)] == expected  # the SDK's auto-pager follows last_id


def test_users_list_accepts_limit_1_and_100(org):
    assert len(org.users.list(limit=1).data) == 1
    assert len(org.users.list(limit=100).data) == 100


@pytest.mark.parametrize("limit", [0, 101, -1, "abc"])
def test_users_list_rejects_a_limit_outside_1_to_100_with_400_naming_limit(org, limit):
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.users.list(extra_query={"limit": limit})
    assert_api_error(excinfo, 400, param="limit")


@pytest.mark.parametrize("after", ["nope", WRONG_KIND_AFTER["users"]])
def test_users_list_rejects_a_malformed_after_with_400_naming_after(org, after):
    with pytest.raises(openai.BadRequestError) as excinfo:
        org.users.list(after=after)
    assert_api_error(excinfo, 400, param="after")


def test_users_emails_filter_returns_only_those_users(org, user_ids):
    response = org.users.with_raw_response.list(emails=["bob@example.com", "carol@example.com"])
    assert "emails%5B%5D=bob%40example.com" in str(response.http_request.url)  # the SDK's array encoding
    page = response.parse()
    assert sorted(u.email for u in page.data) == ["bob@example.com", "carol@example.com"]
    assert sorted(ids(page.data)) == sorted(user_ids("bob@example.com", "carol@example.com"))


def test_users_emails_filter_pages_with_limit_and_after(org, user_ids):
    emails = ["bob@example.com", "carol@example.com", "dave@example.com"]
    expected = sorted(user_ids(*emails))
    first = org.users.list(emails=emails, limit=2)
    assert ids(first.data) == expected[:2] and first.has_more is True
    rest = org.users.list(emails=emails, limit=2, after=first.last_id)
    assert ids(rest.data) == expected[2:] and rest.has_more is False


def test_users_emails_filter_is_case_insensitive(org):
    page = org.users.list(emails=["BOB@Example.COM"])
    assert [u.email for u in page.data] == ["bob@example.com"]


def test_users_emails_filter_with_a_thousand_emails_still_answers(org, user_ids):
    emails = [f"absent{i}@example.com" for i in range(999)] + ["bob@example.com"]
    page = org.users.list(emails=emails)
    assert ids(page.data) == [user_ids("bob@example.com")]


def test_users_emails_filter_with_more_emails_than_the_server_takes_is_400_naming_emails_or_answers(org):
    emails = [f"absent{i}@example.com" for i in range(1500)] + ["bob@example.com"]
    try:
        page = org.users.list(emails=emails)
    except openai.BadRequestError as error:
        assert error.param == "emails", error.body
    else:
        assert [u.email for u in page.data] == ["bob@example.com"]


def test_users_emails_filter_with_an_unknown_email_returns_nothing(org):
    page = org.users.list(emails=["nobody-at-all@example.com"])
    assert page.data == [] and page.has_more is False
