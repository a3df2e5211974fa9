"""Schemathesis against /v1/openapi.json: every operation, every check, zero failures.

All of Schemathesis's checks run on every response, `positive_data_acceptance` included:
a request the schema calls valid must not be refused for its shape. One check is waived for
one kind of case, explained where it is done: `negative_data_rejection` for type mutations
of form bodies, which the form encoding turns into valid strings.

The application is called in-process through WSGI (the test's database transaction sees
every write and rolls it back at the end). Each generated request is made by a brand-new
user on the unlimited `enterprise` plan with an organization, a project and a fellow member,
so `DELETE /v1/users/me` in one example cannot pull the floor from under the next one.

Some rules need data, not shape: an id must name one of the caller's resources, a cursor
must be one the server wrote, a refresh token must be live, a member must be an existing
user, a slug must be free, a password change needs the current password. The schema
documents each refusal (404, 409 or a 400 naming the field); to exercise the operations past
them, a schema-valid generated value is replaced by a real one (`_use_real_data`), as a
client would send, and every check judges the answer.
"""

from __future__ import annotations

import base64
import uuid
from urllib.parse import urlencode

import pytest
import requests
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection
from schemathesis.core.parameters import ParameterLocation
from schemathesis.transport.requests import REQUESTS_TRANSPORT
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from accounts import tokens
from accounts.models import Plan
from orgs.models import Role
from tests.factories import PASSWORD, make_api_key, make_user
from tests.orgs.factories import add_member, make_organization, make_project

# Modest and reproducible: the suite stays quick and a failure comes back on every run.
MAX_EXAMPLES = 25


# Loaded once, at collection, from the application itself (no server, no database needed).
schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", WSGIHandler())
# Credentials are the test's own (a fresh user per example), not generated; and no unknown
# query parameters: like most APIs, ours ignores them.
schema.config.generation.update(
    max_examples=MAX_EXAMPLES,
    deterministic=True,
    with_security_parameters=False,
    allow_extra_parameters=False,
    # No example database: a run replays nothing an earlier run (or branch) found.
    database="none",
)
schema.config.checks.update(included_check_names=["all"])


@WSGI_TRANSPORT.serializer("multipart/form-data")
def _multipart_as_real_clients_send_it(ctx, value) -> dict:
    """Multipart bodies encoded by `requests` (as curl and browsers do), not by Werkzeug.

    Werkzeug's test client writes an empty field with no CRLF before the next boundary; a
    real client never does, and Django reads that field as absent.
    """
    _, serialize = REQUESTS_TRANSPORT.get_first_matching_media_type("multipart/form-data")
    parts = serialize(ctx, value)
    prepared = requests.Request(
        "POST",
        "http://localhost/",
        files=parts.get("files"),
        data=parts.get("data"),
        headers=parts.get("headers"),
    ).prepare()
    return {"data": prepared.body, "content_type": prepared.headers["Content-Type"]}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """What Django's test client does: the test's transaction outlives each request.

    A real WSGI handler closes the database connection when a request ends, and with it
    the transaction the test runs in (on PostgreSQL).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _generous_login_limits(settings):
    # Generated login attempts are not a brute-force attack; the limits have their own tests.
    settings.LOGIN_RATE_PER_IP = "100000/m"
    settings.LOGIN_FAILURES_PER_EMAIL = "100000/m"
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "100000/m"


def _fresh_world(credential: str) -> tuple[str, dict[str, str]]:
    """A new user with everything the request can name: (Authorization, real values)."""
    enterprise = Plan.objects.get(slug="enterprise")
    user = make_user(plan=enterprise)
    fellow = make_user(plan=enterprise)
    outsider = make_user(plan=enterprise)
    organization = make_organization(owner=user)
    add_member(organization, fellow, Role.MEMBER)
    project = make_project(organization, by=user)
    refresh = None
    if credential == "api_key":
        _, token = make_api_key(user)
    else:
        pair = tokens.tokens_for_login(user)
        token, refresh = pair.access, pair.refresh
    ids = {
        "/v1/organizations/{id}": str(organization.pk),
        "/v1/projects/{id}": str(project.pk),
        "/v1/users/{id}": str(fellow.pk),
        "organization_id": str(organization.pk),
        "user_id": str(fellow.pk),
        # A user who is nobody's member yet: the one to add.
        "new_member_email": outsider.email,
        "refresh": refresh,
        "current_password": PASSWORD,
    }
    return f"Bearer {token}", ids


def _server_cursor() -> str:
    """A cursor as the server writes them (DRF: base64 of `p=<position>`): the page before now."""
    return base64.b64encode(urlencode({"p": "2100-01-01 00:00:00+00:00"}).encode()).decode()


def _use_real_data(case, ids: dict[str, str]) -> None:
    """Point a generated UUID at a real resource of the caller; in a valid request, put real
    values where a rule needs data. Anything else stays as generated."""
    for name, value in (case.path_parameters or {}).items():
        if not _is_uuid(value):
            continue
        if name == "id":
            prefix = case.operation.path.split("{")[0]
            case.path_parameters[name] = ids.get(f"{prefix}{{id}}", value)
        else:
            case.path_parameters[name] = ids.get(name, value)
    if isinstance(case.body, dict):
        # A copy: an example from the schema is the same dict in every case made from it.
        case.body = dict(case.body)
    body = case.body if isinstance(case.body, dict) else {}
    if _is_uuid(body.get("organization")):
        body["organization"] = ids["organization_id"]
    if not (case.meta and case.meta.generation.mode.is_positive):
        return
    if "cursor" in (case.query or {}):
        case.query["cursor"] = _server_cursor()
    path = case.operation.path
    if path == "/v1/auth/logout" and "refresh" in body and ids["refresh"]:
        body["refresh"] = ids["refresh"]
    if path == "/v1/organizations/{organization_id}/members" and "email" in body:
        body["email"] = ids["new_member_email"]
    if path == "/v1/users/me" and "password" in body:
        body["current_password"] = ids["current_password"]
    if path == "/v1/users/me" and isinstance(body.get("email"), str):
        # Emails are unique across accounts, and earlier examples' accounts remain.
        # The mark goes into the domain: a local part has at most 64 characters.
        local, _, domain = body["email"].strip().rpartition("@")
        fresh = f"{local}@u{uuid.uuid4().hex[:12]}.{domain}"
        body["email"] = fresh if len(fresh) <= 254 else f"u{uuid.uuid4().hex}@example.com"
    if path.startswith("/v1/organizations") and isinstance(body.get("slug"), str):
        # Slugs are unique across organizations, and earlier examples' organizations remain.
        body["slug"] = f"{body['slug'][:27]}-{uuid.uuid4().hex}"


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


FORM_MEDIA_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _type_mutation_lost_on_the_wire(case) -> bool:
    """A negative form body: its values all arrive as text, so "not a string" cannot be seen.

    Schemathesis judges a form body's mutations on the values it generated (`name: {}`),
    but form-encoded and multipart fields are strings on the wire (`name` is "{}", a valid
    name). Type mutations are checked where they survive: in the JSON bodies of the same
    operations.
    """
    media_type = case.media_type or ""
    return media_type.startswith(FORM_MEDIA_TYPES) and case.meta.is_negative_at(
        ParameterLocation.BODY
    )


def _call_and_validate(case, credential: str) -> None:
    authorization, ids = _fresh_world(credential)
    _use_real_data(case, ids)
    headers = {"Authorization": authorization}
    response = case.call(headers=headers)
    excluded = [negative_data_rejection] if _type_mutation_lost_on_the_wire(case) else []
    # The headers again: `ignored_auth` replays the request with them spoiled or removed.
    case.validate_response(
        response, headers=headers, excluded_checks=excluded, transport_kwargs={"headers": headers}
    )


# Every example makes its own user, so sharing the test's database between examples is meant.
SHARED_DATABASE = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@schema.parametrize()
@SHARED_DATABASE
def test_every_operation_conforms_with_an_access_token(case, db):
    _call_and_validate(case, "jwt")


@schema.parametrize()
@SHARED_DATABASE
def test_every_operation_conforms_with_an_api_key(case, db):
    _call_and_validate(case, "api_key")
