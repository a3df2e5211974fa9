"""Every resource method of the SDK, against the live server."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from cloudbooks_sdk import (
    AuthenticationError,
    Client,
    Member,
    NotFoundError,
    Organization,
    Page,
    Project,
    PublicUser,
    Role,
    User,
)

from accounts.models import User as UserModel
from tests.factories import PASSWORD
from tests.sdk.conftest import live

pytestmark = live


@pytest.fixture
def olive(connect, owner):
    return connect(owner)


@pytest.fixture
def org(olive) -> Organization:
    return olive.organizations.create(name="Acme Books", description="Ledgers")


def test_users_me_returns_the_caller_as_a_typed_user(olive, owner):
    me = olive.users.me()
    assert isinstance(me, User)
    assert (me.id, me.email, me.name, me.plan) == (
        str(owner.pk),
        owner.email,
        "Olive Owner",
        "free",
    )
    assert isinstance(me.created_at, datetime) and me.created_at.tzinfo is not None


def test_update_me_changes_only_the_given_fields(olive):
    me = olive.users.update_me(name="Olive O.")
    assert (me.name, me.email) == ("Olive O.", "owner@example.com")
    assert olive.users.me().name == "Olive O."


def test_replace_me_puts_every_field(olive):
    me = olive.users.replace_me(name="Olive Replaced", email="olive@example.com")
    assert (me.name, me.email) == ("Olive Replaced", "olive@example.com")
    assert olive.users.me().email == "olive@example.com"


def test_update_me_changes_the_password_with_the_current_one(olive, owner, base_url):
    olive.users.update_me(password="a whole new passphrase", current_password=PASSWORD)
    with Client(base_url=base_url) as fresh:
        fresh.login(owner.email, "a whole new passphrase")
        assert fresh.users.me().email == owner.email


def test_delete_me_deletes_the_account(connect, outsider):
    oscar = connect(outsider)
    oscar.users.delete_me()
    assert not UserModel.objects.filter(pk=outsider.pk).exists()
    with pytest.raises(AuthenticationError):  # its API key stopped working at once
        oscar.users.me()


def test_users_get_finds_a_co_member_and_hides_everyone_else(olive, org, member, outsider):
    olive.organizations.members(org.id).add(email=member.email)
    mia = olive.users.get(str(member.pk))
    assert mia == PublicUser(id=str(member.pk), email=member.email, name="Mia Member")
    with pytest.raises(NotFoundError):
        olive.users.get(str(outsider.pk))


def test_organizations_create_get_update_list_delete(olive):
    created = olive.organizations.create(name="Acme Books", slug="acme", description="Ledgers")
    assert isinstance(created, Organization)
    assert (created.slug, created.role, created.description) == ("acme", "owner", "Ledgers")

    assert olive.organizations.get(created.id) == created

    updated = olive.organizations.update(created.id, name="Acme Bookkeeping")
    assert (updated.name, updated.slug, updated.description) == (
        "Acme Bookkeeping",
        "acme",
        "Ledgers",
    )

    replaced = olive.organizations.replace(created.id, name="Acme Books", description="New")
    assert (replaced.name, replaced.slug, replaced.description) == ("Acme Books", "acme", "New")
    assert olive.organizations.replace(created.id, name="Acme Books").description == ""

    other = olive.organizations.create(name="Beta")
    assert [o.id for o in olive.organizations.list()] == [other.id, created.id]

    olive.organizations.delete(created.id)
    with pytest.raises(NotFoundError):
        olive.organizations.get(created.id)
    assert [o.id for o in olive.organizations.list(limit=1)] == [other.id]


def test_members_add_get_list_update_remove(olive, org, connect, member):
    members = olive.organizations.members(org.id)
    added = members.add(email=member.email, role="member")
    assert isinstance(added, Member)
    assert (added.user.email, added.role) == (member.email, "member")

    assert members.get(str(member.pk)).role == "member"
    assert {(m.user.email, m.role) for m in members.list()} == {
        ("owner@example.com", "owner"),
        (member.email, "member"),
    }

    assert members.update(str(member.pk), role="admin").role == "admin"

    members.remove(str(member.pk))
    assert [m.user.email for m in members.list()] == ["owner@example.com"]
    with pytest.raises(NotFoundError):
        connect(member).organizations.get(org.id)


def test_a_member_leaves_with_their_own_user_id(olive, org, connect, member):
    olive.organizations.members(org.id).add(email=member.email)
    mia = connect(member)
    mia.organizations.members(org.id).remove(str(member.pk))
    assert list(mia.organizations.list()) == []


def test_projects_create_get_update_list_delete(olive, org, owner):
    project = olive.projects.create(organization=org.id, name="Q3 close", description="Books")
    assert isinstance(project, Project)
    assert (project.organization, project.name, project.created_by) == (
        org.id,
        "Q3 close",
        str(owner.pk),
    )
    assert olive.projects.get(project.id) == project

    updated = olive.projects.update(project.id, description="Closing the books")
    assert (updated.name, updated.description) == ("Q3 close", "Closing the books")

    replaced = olive.projects.replace(project.id, organization=org.id, name="Q3 closing")
    assert (replaced.name, replaced.description) == ("Q3 closing", "")

    assert [p.id for p in olive.projects.list()] == [project.id]
    olive.projects.delete(project.id)
    with pytest.raises(NotFoundError):
        olive.projects.get(project.id)


def test_projects_list_filters_by_organization(olive, org):
    other_org = olive.organizations.create(name="Beta")
    ours = olive.projects.create(organization=org.id, name="ours")
    olive.projects.create(organization=other_org.id, name="theirs")
    assert [p.id for p in olive.projects.list(organization=org.id)] == [ours.id]
    assert len(list(olive.projects.list())) == 2


def requests_made(client: Client, since: int) -> int:
    """How many requests the client made since its budget showed `since` remaining."""
    return since - client.rate_limit.remaining


def test_a_list_returns_its_first_page_and_iterates_every_page_lazily(olive, org):
    created = [olive.projects.create(organization=org.id, name=f"p{i}") for i in range(5)]
    newest_first = [p.id for p in reversed(created)]
    before = olive.rate_limit.remaining

    projects = olive.projects.list(organization=org.id, limit=2)
    assert isinstance(projects, Page)
    assert [p.id for p in projects.data] == newest_first[:2]
    assert projects.has_more and projects.next_cursor
    assert requests_made(olive, before) == 1  # the first page only

    items = iter(projects)
    assert [next(items).id, next(items).id] == newest_first[:2]
    assert requests_made(olive, before) == 1  # the first page is not fetched again
    assert next(items).id == newest_first[2]
    assert requests_made(olive, before) == 2  # the second page, once it was reached
    assert [p.id for p in items] == newest_first[3:]
    assert requests_made(olive, before) == 3  # 2 + 2 + 1


def test_a_list_can_be_iterated_again_from_its_first_page(olive, org):
    created = [olive.projects.create(organization=org.id, name=f"p{i}") for i in range(3)]
    projects = olive.projects.list(organization=org.id, limit=2)
    first = [p.id for p in projects]
    assert first == [p.id for p in reversed(created)]
    assert [p.id for p in projects.auto_paging_iter()] == first
    assert [p.id for p in projects.data] == first[:2]  # still the first page


def test_next_page_walks_the_cursors_to_the_last_page(olive, org):
    for i in range(3):
        olive.projects.create(organization=org.id, name=f"p{i}")
    first = olive.projects.list(organization=org.id, limit=2)
    second = first.next_page()
    assert second is not None and len(second.data) == 1
    assert (second.has_more, second.next_cursor, second.next_page()) == (False, None, None)
    assert [len(page.data) for page in first.iter_pages()] == [2, 1]


def test_an_empty_list_is_one_empty_page(olive):
    projects = olive.projects.list(organization=str(uuid.uuid4()))
    before = olive.rate_limit.remaining
    assert (projects.data, projects.has_more, projects.next_cursor) == ([], False, None)
    assert list(projects) == []
    assert olive.rate_limit.remaining == before  # iterating asked nothing more


def test_last_response_has_the_request_id_and_budget_of_a_successful_call(olive):
    me = olive.users.me()
    response = olive.last_response
    assert response.status_code == 200
    assert response.request_id.startswith("req_")
    assert response.request_id == response.headers["X-Request-Id"]
    assert response.rate_limit == olive.rate_limit and response.rate_limit.limit == 1000
    assert response.http_response.json()["id"] == me.id
    assert response.idempotent_replayed is False


def test_member_roles_are_typed_literals(olive, org, member):
    added = olive.organizations.members(org.id).add(email=member.email, role="admin")
    role: Role = added.role
    assert role == "admin"
