"""/v1/projects: the owner, admin, member and outsider of Acme, through real HTTP."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgs.models import Role
from projects.models import Project
from tests.factories import make_user
from tests.orgs.factories import (
    CREDENTIALS,
    add_member,
    assert_error,
    client_as,
    make_organization,
    make_project,
    role_matrix,
)

pytestmark = pytest.mark.django_db

PROJECTS = "/v1/projects"


def project_url(project) -> str:
    return f"{PROJECTS}/{project.pk}"


@pytest.fixture
def project(team):
    return make_project(team.organization, by=team.member, name="Rocket", description="Go up")


# --- The role matrix (docs/api.md) ----------------------------------------------------------------

PROJECT_MATRIX = {
    # action: (member, admin, owner, outsider)
    "create": (201, 201, 201, 400),
    "retrieve": (200, 200, 200, 404),
    "patch": (200, 200, 200, 404),
    "put": (200, 200, 200, 404),
    "delete": (403, 204, 204, 404),
}


def perform(client, action: str, team, project):
    if action == "create":
        body = {"organization": str(team.organization.pk), "name": "New", "description": "d"}
        return client.post(PROJECTS, body, format="json")
    if action == "retrieve":
        return client.get(project_url(project))
    if action == "patch":
        return client.patch(project_url(project), {"name": "Renamed"}, format="json")
    if action == "put":
        body = {"organization": str(team.organization.pk), "name": "Renamed", "description": ""}
        return client.put(project_url(project), body, format="json")
    if action == "delete":
        return client.delete(project_url(project))
    raise AssertionError(action)


@pytest.mark.parametrize("credential", CREDENTIALS)
@pytest.mark.parametrize(("action", "persona", "expected"), role_matrix(PROJECT_MATRIX))
def test_role_matrix_for_projects(team, project, credential, action, persona, expected):
    client = client_as(team.persona(persona), credential)

    response = perform(client, action, team, project)

    assert response.status_code == expected, response.content
    if expected == 400:  # an outsider naming Acme in a new project
        assert_error(response, 400, "invalid_request", field="organization")
    if expected == 403:
        assert_error(response, 403, "forbidden")
    if expected == 404:
        assert_error(response, 404, "not_found")
    if expected >= 400:
        assert Project.objects.get(pk=project.pk).name == "Rocket"
        assert Project.objects.count() == 1
    if action == "delete":
        assert Project.objects.filter(pk=project.pk).exists() is (expected != 204)


@pytest.mark.parametrize("credential", CREDENTIALS)
@pytest.mark.parametrize(
    ("persona", "listed"),
    [("member", True), ("admin", True), ("owner", True), ("outsider", False)],
)
def test_list_holds_the_projects_of_the_callers_organizations(
    team, project, credential, persona, listed
):
    response = client_as(team.persona(persona), credential).get(PROJECTS)

    assert response.status_code == 200
    ids = [p["id"] for p in response.json()["results"]]
    assert (str(project.pk) in ids) is listed


@pytest.mark.parametrize("action", ["create", "patch", "put", "delete"])
@pytest.mark.parametrize("persona", ["member", "admin", "owner"])
def test_read_only_key_may_not_write_projects(team, project, persona, action):
    client = client_as(team.persona(persona), "read_only_key")

    response = perform(client, action, team, project)

    assert_error(response, 403, "forbidden")
    assert list(Project.objects.values_list("name", flat=True)) == ["Rocket"]


@pytest.mark.parametrize("persona", ["member", "admin", "owner"])
def test_read_only_key_may_read_projects(team, project, persona):
    client = client_as(team.persona(persona), "read_only_key")

    assert client.get(project_url(project)).status_code == 200
    assert client.get(PROJECTS).json()["results"][0]["id"] == str(project.pk)


# --- Shapes ----------------------------------------------------------------------------------


def test_member_creates_a_project_they_are_recorded_on(team):
    response = client_as(team.member).post(
        PROJECTS,
        {"organization": str(team.organization.pk), "name": "Apollo", "description": "Moon"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {
        "id",
        "organization",
        "name",
        "description",
        "created_by",
        "created_at",
        "updated_at",
    }
    assert body["organization"] == str(team.organization.pk)
    assert body["created_by"] == str(team.member.pk)
    assert (body["name"], body["description"]) == ("Apollo", "Moon")
    assert Project.objects.get(pk=body["id"]).created_by == team.member


def test_description_is_optional(team):
    response = client_as(team.member).post(
        PROJECTS, {"organization": str(team.organization.pk), "name": "Bare"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["description"] == ""


def test_patch_changes_only_what_is_sent(team, project):
    response = client_as(team.member).patch(
        project_url(project) + "/", {"description": "Higher"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["description"]) == ("Rocket", "Higher")


def test_put_is_a_full_update_that_needs_name_and_organization(team, project):
    response = client_as(team.member).put(project_url(project), {"name": "X"}, format="json")

    assert_error(response, 400, "invalid_request", field="organization")


def test_a_project_cannot_move_to_another_organization(team, project):
    other = make_organization(owner=team.member, name="Max's")

    response = client_as(team.member).patch(
        project_url(project), {"organization": str(other.pk)}, format="json"
    )

    error = assert_error(response, 400, "invalid_request", field="organization")
    assert error["details"]["issue"] == "A project cannot move to another organization"
    assert Project.objects.get(pk=project.pk).organization_id == team.organization.pk


def test_created_by_is_kept_empty_when_the_creator_deletes_their_account(team, project):
    assert client_as(team.member).delete("/v1/users/me").status_code == 204

    response = client_as(team.admin).get(project_url(project))

    assert response.status_code == 200
    assert response.json()["created_by"] is None


def test_leaving_an_organization_hides_its_projects(team, project):
    client = client_as(team.member)
    client.delete(f"/v1/organizations/{team.organization.pk}/members/{team.member.pk}")

    assert_error(client.get(project_url(project)), 404, "not_found")
    assert client.get(PROJECTS).json()["results"] == []


# --- The organization of a new project (400 on `organization`) --------------------------------


@pytest.mark.parametrize(
    "organization",
    ["outsiders", "unknown", "malformed", "missing", "null", "number"],
)
def test_a_project_needs_an_organization_of_the_caller(team, organization):
    values = {
        "outsiders": str(make_organization(owner=team.outsider, name="Elsewhere").pk),
        "unknown": str(uuid.uuid4()),
        "malformed": "not-a-uuid",
        "null": None,
        "number": 42,
    }
    body = {"name": "Sneaky"}
    if organization != "missing":
        body["organization"] = values[organization]

    response = client_as(team.member).post(PROJECTS, body, format="json")

    assert_error(response, 400, "invalid_request", field="organization")
    assert not Project.objects.filter(name="Sneaky").exists()


def test_someone_elses_organization_and_a_missing_one_give_the_same_answer(team):
    theirs = make_organization(owner=team.outsider, name="Elsewhere")
    client = client_as(team.member)

    a = client.post(PROJECTS, {"organization": str(theirs.pk), "name": "X"}, format="json")
    b = client.post(PROJECTS, {"organization": str(uuid.uuid4()), "name": "X"}, format="json")

    assert a.json()["error"]["details"]["issue"] == b.json()["error"]["details"]["issue"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "organization"),
        ({"organization": "{org}"}, "name"),
        ({"organization": "{org}", "name": ""}, "name"),
        ({"organization": "{org}", "name": "x" * 101}, "name"),
        ({"organization": "{org}", "name": "ok", "description": "x" * 2001}, "description"),
    ],
    ids=["empty", "missing-name", "blank-name", "long-name", "long-description"],
)
def test_malformed_project_is_400(team, body, field):
    body = {k: v.format(org=team.organization.pk) for k, v in body.items()}

    response = client_as(team.member).post(PROJECTS, body, format="json")

    assert_error(response, 400, "invalid_request", field=field)
    assert Project.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
@pytest.mark.parametrize("path", ["not-a-uuid", str(uuid.uuid4())], ids=["malformed", "unknown"])
def test_a_bad_or_unknown_project_id_is_404(team, method, path):
    response = getattr(client_as(team.owner), method)(f"{PROJECTS}/{path}", {}, format="json")

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("post", ""),
        ("get", "/{id}"),
        ("patch", "/{id}"),
        ("put", "/{id}"),
        ("delete", "/{id}"),
    ],
)
def test_anonymous_is_401(api, project, method, path):
    response = getattr(api, method)(PROJECTS + path.format(id=project.pk), {}, format="json")

    assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


# --- Filtering and pagination ----------------------------------------------------------------


@pytest.fixture
def two_organizations():
    """Max is in Acme (3 projects) and Globex (2), created a minute apart in turns."""
    max_ = make_user()
    acme = make_organization(owner=max_, name="Acme")
    globex = make_organization(owner=make_user(), name="Globex")
    add_member(globex, max_, Role.MEMBER)
    start = timezone.now() - timedelta(hours=1)
    for n, organization in enumerate([acme, globex, acme, globex, acme]):
        project = make_project(organization, name=f"P{n}")
        Project.objects.filter(pk=project.pk).update(created_at=start + timedelta(minutes=n))
    return max_, acme, globex


def test_projects_are_listed_newest_first_across_organizations(two_organizations):
    max_, _, _ = two_organizations

    body = client_as(max_).get(PROJECTS).json()

    assert [p["name"] for p in body["results"]] == ["P4", "P3", "P2", "P1", "P0"]


def test_projects_are_filtered_by_organization(two_organizations):
    max_, acme, globex = two_organizations
    client = client_as(max_)

    acme_names = [
        p["name"] for p in client.get(f"{PROJECTS}?organization={acme.pk}").json()["results"]
    ]
    globex_names = [
        p["name"] for p in client.get(f"{PROJECTS}?organization={globex.pk}").json()["results"]
    ]

    assert acme_names == ["P4", "P2", "P0"]
    assert globex_names == ["P3", "P1"]


def test_filtering_by_someone_elses_organization_lists_nothing(two_organizations):
    _, acme, _ = two_organizations

    response = client_as(make_user()).get(f"{PROJECTS}?organization={acme.pk}")

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("value", ["not-a-uuid", "", "1"])
def test_a_malformed_organization_filter_is_400(value):
    response = client_as(make_user()).get(f"{PROJECTS}?organization={value}")

    error = assert_error(response, 400, "invalid_request", field="organization")
    assert error["details"]["issue"] == "Must be a valid UUID"


def test_limit_and_next_walk_every_project_once(two_organizations):
    max_, _, _ = two_organizations
    client = client_as(max_)

    names, url = [], f"{PROJECTS}?limit=2"
    while url:
        body = client.get(url).json()
        assert len(body["results"]) <= 2
        names += [p["name"] for p in body["results"]]
        url = body["next"]

    assert names == ["P4", "P3", "P2", "P1", "P0"]


def test_the_filter_survives_the_cursor(two_organizations):
    max_, acme, _ = two_organizations
    client = client_as(max_)

    first = client.get(f"{PROJECTS}?organization={acme.pk}&limit=2").json()
    second = client.get(first["next"]).json()

    assert [p["name"] for p in first["results"] + second["results"]] == ["P4", "P2", "P0"]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "cursor=bad"])
def test_invalid_pagination_is_400(query):
    response = client_as(make_user()).get(f"{PROJECTS}?{query}")

    assert_error(response, 400, "invalid_request", field=query.split("=")[0])


# --- Cost ------------------------------------------------------------------------------------


def test_listing_1_or_100_projects_costs_the_same_queries():
    user = make_user()
    organization = make_organization(owner=user)
    other = make_organization(owner=user)
    client = client_as(user)
    make_project(organization, by=user)
    url = f"{PROJECTS}?limit=100"
    client.get(url)

    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).json()["results"]) == 1
    for n in range(99):
        make_project(organization if n % 2 else other, by=make_user() if n % 10 == 0 else user)
    with CaptureQueriesContext(connection) as hundred:
        assert len(client.get(url).json()["results"]) == 100

    assert len(hundred) == len(one)
