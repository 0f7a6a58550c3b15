"""Invites through the SDK: create, list, retrieve, delete, the refusals, and acceptance when the identity provider
provisions a user with the invited email over SCIM (POST /scim/v2/Users).

Every test invites its own fresh address (`new_email`) and makes its own projects.
"""

from __future__ import annotations

import time
from typing import Any

import openai
import pytest

from support import assert_api_error, ids, new_email, scim_create_user

INVITE_LIFETIME = 7 * 24 * 60 * 60
UNKNOWN_PROJECT = "proj_01J00000000000000000000000"


def all_invites(org) -> list:
    invites, after = [], None
    for _ in range(1000):
        page = org.invites.list(limit=100, **({"after": after} if after else {}))
        invites += page.data
        if not page.has_more:
            return invites
        after = page.data[-1].id
    raise AssertionError("invites.list never reported has_more=false")


def provision(server, email: str) -> str:
    """Provisions a user with `email` over SCIM; returns its id."""
    response = scim_create_user(server.origin, server.admin_key, email)
    assert response.status == 201, f"SCIM POST /Users: {response.status} {response.body[:500]!r}"
    return response.json()["id"]


def user_projects(org, user_id: str) -> dict[str, Any]:
    body = org.users.with_raw_response.retrieve(user_id, extra_query={"include[]": "projects"}).http_response.json()
    return {p["id"]: p["role"] for p in body["projects"]["data"]}


def test_an_invite_is_pending_for_seven_days_and_is_listed_retrieved_and_deleted(org, new_project):
    project = new_project()
    email = new_email("invitee")
    before = int(time.time())
    invite = org.invites.create(email=email, role="reader", projects=[{"id": project.id, "role": "member"}])
    assert invite.object == "organization.invite" and invite.id.startswith("invite")
    assert invite.email == email and invite.role == "reader" and invite.status == "pending"
    assert invite.accepted_at is None
    assert abs(invite.created_at - before) < 60
    assert invite.expires_at == invite.created_at + INVITE_LIFETIME
    assert [(p.id, p.role) for p in invite.projects] == [(project.id, "member")]
    assert org.invites.retrieve(invite.id).model_dump() == invite.model_dump()
    assert invite.id in ids(all_invites(org))
    deleted = org.invites.delete(invite.id)
    assert deleted.deleted is True and deleted.id == invite.id
    with pytest.raises(openai.NotFoundError) as excinfo:
        org.invites.retrieve(invite.id)
    assert_api_error(excinfo, 404)
    with pytest.raises(openai.NotFoundError):
        org.invites.delete(invite.id)
    assert invite.id not in ids(all_invites(org))


def test_an_invite_without_projects_has_an_empty_project_list(org):
    invite = org.invites.create(email=new_email("plain"), role="owner")
    assert invite.role == "owner" and invite.status == "pending" and invite.projects == []


@pytest.mark.parametrize("email", ["bob@example.com", "BOB@Example.COM"])
def test_an_invite_for_an_existing_users_email_is_409(org, email):
    with pytest.raises(openai.ConflictError) as excinfo:
        org.invites.create(email=email, role="reader")
    assert_api_error(excinfo, 409, code="already_member")
    assert email.lower() not in [i.email.lower() for i in all_invites(org)]


def test_a_second_pending_invite_for_the_same_email_is_409_until_the_first_is_deleted(org):
    email = new_email("twice")
    first = org.invites.create(email=email, role="reader")
    for again in (email, email.upper()):
        with pytest.raises(openai.ConflictError) as excinfo:
            org.invites.create(email=again, role="owner")
        assert first.id in assert_api_error(excinfo, 409, code="invite_exists")["message"]
    org.invites.delete(first.id)
    second = org.invites.create(email=email, role="owner")
    assert second.id != first.id and second.status == "pending"


def test_bad_invites_are_refused_and_create_nothing(org, new_project):
    project = new_project()
    before = ids(all_invites(org))
    for kwargs, status, param in [
        ({"email": "not-an-address", "role": "reader"}, 400, "email"),
        ({"email": new_email("bad"), "role": "member"}, 400, "role"),
        ({"email": new_email("bad"), "role": "reader", "projects": [{"id": project.id, "role": "viewer"}]}, 400,
         "projects[0].role"),
        ({"email": new_email("bad"), "role": "reader",
          "projects": [{"id": project.id, "role": "member"}, {"id": project.id, "role": "owner"}]}, 400,
         "projects[1].id"),
        ({"email": new_email("bad"), "role": "reader", "projects": [{"id": UNKNOWN_PROJECT, "role": "member"}]}, 404,
         ...),
    ]:
        with pytest.raises(openai.APIStatusError) as excinfo:
            org.invites.create(**kwargs)
        assert_api_error(excinfo, status, param=param)
    assert ids(all_invites(org)) == before


def test_an_invite_to_an_archived_project_is_409(org, new_project):
    project = new_project()
    org.projects.archive(project.id)
    with pytest.raises(openai.ConflictError) as excinfo:
        org.invites.create(email=new_email("late"), role="reader", projects=[{"id": project.id, "role": "member"}])
    assert_api_error(excinfo, 409, code="project_archived", message="archived")


def test_provisioning_the_invited_email_over_scim_accepts_the_invite(server, org, new_project):
    owned, joined = new_project(), new_project()
    email = new_email("accepted")
    invite = org.invites.create(email=email, role="owner",
                                projects=[{"id": owned.id, "role": "owner"}, {"id": joined.id, "role": "member"}])
    user_id = provision(server, email)
    accepted = org.invites.retrieve(invite.id)
    assert accepted.status == "accepted"
    assert isinstance(accepted.accepted_at, int) and accepted.created_at <= accepted.accepted_at <= time.time() + 60
    assert next(i for i in all_invites(org) if i.id == invite.id).status == "accepted"
    user = org.users.retrieve(user_id)
    assert user.email == email and user.role == "owner"
    assert org.projects.users.retrieve(user_id, project_id=owned.id).role == "owner"
    assert org.projects.users.retrieve(user_id, project_id=joined.id).role == "member"
    assert user_projects(org, user_id) == {owned.id: "owner", joined.id: "member"}
    roles = {r.name: r.id for r in org.projects.roles.list(joined.id).data}
    held = org.projects.users.roles.list(user_id, project_id=joined.id).data
    assert [(r.id, [(s.principal_type, s.principal_id) for s in r.assignment_sources]) for r in held] == [
        (roles["member"], [("user", user_id)])]
    with pytest.raises(openai.ConflictError) as excinfo:
        org.invites.delete(invite.id)
    assert_api_error(excinfo, 409, code="invite_accepted")
    assert org.invites.retrieve(invite.id).status == "accepted"
    with pytest.raises(openai.ConflictError) as excinfo:
        org.invites.create(email=email, role="reader")
    assert_api_error(excinfo, 409, code="already_member")


def test_an_invite_is_accepted_by_a_user_provisioned_with_the_email_in_another_case(server, org, new_project):
    project = new_project()
    email = new_email("mixedcase")
    invite = org.invites.create(email=email.upper(), role="reader", projects=[{"id": project.id, "role": "member"}])
    user_id = provision(server, email)
    assert org.invites.retrieve(invite.id).status == "accepted"
    assert org.users.retrieve(user_id).role == "reader"
    assert org.projects.users.retrieve(user_id, project_id=project.id).role == "member"


def test_a_user_provisioned_without_an_invite_joins_no_project_and_leaves_other_invites_pending(server, org,
                                                                                              new_project):
    project = new_project()
    invite = org.invites.create(email=new_email("waiting"), role="owner", projects=[{"id": project.id, "role": "owner"}])
    user_id = provision(server, new_email("uninvited"))
    assert org.users.retrieve(user_id).role == "reader"
    assert user_projects(org, user_id) == {}
    assert org.invites.retrieve(invite.id).status == "pending"
    assert org.projects.users.list(project.id).data == []


def test_accepting_an_invite_skips_a_project_archived_since(server, org, new_project):
    archived, active = new_project(), new_project()
    email = new_email("skips")
    invite = org.invites.create(email=email, role="reader",
                                projects=[{"id": archived.id, "role": "owner"}, {"id": active.id, "role": "member"}])
    org.projects.archive(archived.id)
    user_id = provision(server, email)
    assert org.invites.retrieve(invite.id).status == "accepted"
    assert org.projects.users.list(archived.id).data == []
    assert user_projects(org, user_id) == {active.id: "member"}
