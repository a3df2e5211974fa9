"""Hostile input against every route: no answer is a 500, every /v1 answer is the envelope,
and a refused request writes nothing (every watched table is compared before and after).

The operations are listed here by hand and a test holds the list to the schema, so a new
endpoint cannot join the API without joining this matrix.
"""

from __future__ import annotations

import base64
import json
import urllib.parse

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from orgs.models import Membership
from tests.api.envelope import assert_envelope
from tests.factories import PASSWORD, client_for, make_user
from tests.hardening.conftest import database_state
from tests.orgs.concurrency import at_once

pytestmark = pytest.mark.django_db

# (method, path template) of every operation in /v1/openapi.json.
OPERATIONS = [
    ("post", "/v1/auth/login"),
    ("post", "/v1/auth/refresh"),
    ("post", "/v1/auth/logout"),
    ("get", "/v1/auth/whoami"),
    ("get", "/v1/users/me"),
    ("put", "/v1/users/me"),
    ("patch", "/v1/users/me"),
    ("delete", "/v1/users/me"),
    ("get", "/v1/users/{id}"),
    ("get", "/v1/organizations"),
    ("post", "/v1/organizations"),
    ("get", "/v1/organizations/{id}"),
    ("put", "/v1/organizations/{id}"),
    ("patch", "/v1/organizations/{id}"),
    ("delete", "/v1/organizations/{id}"),
    ("get", "/v1/organizations/{organization_id}/members"),
    ("post", "/v1/organizations/{organization_id}/members"),
    ("get", "/v1/organizations/{organization_id}/members/{user_id}"),
    ("patch", "/v1/organizations/{organization_id}/members/{user_id}"),
    ("delete", "/v1/organizations/{organization_id}/members/{user_id}"),
    ("get", "/v1/projects"),
    ("post", "/v1/projects"),
    ("get", "/v1/projects/{id}"),
    ("put", "/v1/projects/{id}"),
    ("patch", "/v1/projects/{id}"),
    ("delete", "/v1/projects/{id}"),
]
WRITES = [(m, p) for m, p in OPERATIONS if m in ("post", "put", "patch")]
LISTS = [
    "/v1/organizations",
    "/v1/organizations/{organization_id}/members",
    "/v1/projects",
]
WITH_PATH_IDS = [(m, p) for m, p in OPERATIONS if "{" in p]
PUBLIC = {("post", "/v1/auth/login"), ("post", "/v1/auth/refresh")}


def valid_body(world, template: str) -> dict:
    """A body each write would accept: the hostile tests spoil one part of it at a time."""
    organization = str(world.organization.pk) if world else "-"
    return {
        "/v1/auth/login": {"email": "owner@example.com", "password": PASSWORD},
        "/v1/auth/refresh": {"refresh": "not-checked-before-the-fields"},
        "/v1/auth/logout": {"refresh": "not-checked-before-the-fields"},
        "/v1/users/me": {"name": "Olive", "email": "owner@example.com"},
        "/v1/organizations": {"name": "Acme Two", "slug": "acme-two", "description": "d"},
        "/v1/organizations/{id}": {"name": "Acme", "slug": "acme", "description": "d"},
        "/v1/organizations/{organization_id}/members": {
            "email": "newcomer@example.com",
            "role": "member",
        },
        "/v1/organizations/{organization_id}/members/{user_id}": {"role": "admin"},
        "/v1/projects": {"organization": organization, "name": "P", "description": "d"},
        "/v1/projects/{id}": {"organization": organization, "name": "P", "description": "d"},
    }[template]


def body_fields() -> list[tuple[str, str, str]]:
    """(method, template, field) for every string field of every write."""
    return [(m, p, field) for m, p in WRITES for field in valid_body(None, p)]


def send(world, method: str, template: str, *, anonymous: bool = False, **kwargs):
    client = APIClient() if anonymous else world.owner_api
    return getattr(client, method)(world.fill(template), **kwargs)


def assert_refused(response, status: int | None = None) -> None:
    """< 500, and in the envelope with the code of its status."""
    assert response.status_code < 500, response.content[:500]
    if status is not None:
        assert response.status_code == status, response.content[:500]
    assert response.status_code >= 400, response.content[:500]
    from cloudbooks.api.exceptions import CODES_BY_STATUS

    assert_envelope(response, response.status_code, CODES_BY_STATUS[response.status_code])


@pytest.fixture
def unchanged(world, generous_limits):
    """Asserts, after the test, that no watched table changed."""
    before = database_state()
    yield world
    assert database_state() == before


def test_the_matrix_covers_every_operation_of_the_schema(client):
    schema = client.get("/v1/openapi.json").json()
    documented = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert documented == set(OPERATIONS)


# --- NUL bytes and lone surrogates ------------------------------------------------------------


@pytest.mark.parametrize(("method", "template", "field"), body_fields())
@pytest.mark.parametrize("value", ["a\u0000b", "\u0000", "\ud800", "x\udfffy"])
def test_nul_or_lone_surrogate_in_a_json_string_is_400(unchanged, method, template, field, value):
    body = valid_body(unchanged, template)
    body[field] = value
    # ensure_ascii: the surrogate travels as the escape `\ud800`, valid JSON syntax.
    raw = json.dumps(body)
    response = send(unchanged, method, template, data=raw, content_type="application/json")
    assert_refused(response, 400)


@pytest.mark.parametrize(("method", "template", "field"), body_fields())
@pytest.mark.parametrize("value", [0, 1.5, True, [], {}, ["a"], {"a": "b"}])
def test_a_json_value_that_is_not_a_string_is_400(unchanged, method, template, field, value):
    # `{"name": 0}` is not quietly saved as the name "0".
    body = valid_body(unchanged, template)
    body[field] = value
    response = send(unchanged, method, template, data=body, format="json")
    assert_refused(response, 400)


@pytest.mark.parametrize(("method", "template"), WRITES)
def test_a_raw_nul_byte_inside_a_json_string_is_400(unchanged, method, template):
    body = valid_body(unchanged, template)
    field = next(iter(body))
    raw = json.dumps(body).replace(json.dumps(body[field]), '"a\x00b"', 1).encode()
    response = send(unchanged, method, template, data=raw, content_type="application/json")
    assert_refused(response, 400)


@pytest.mark.parametrize(("method", "template"), WRITES)
def test_a_raw_surrogate_encoded_as_bytes_is_400(unchanged, method, template):
    body = valid_body(unchanged, template)
    field = next(iter(body))
    raw = json.dumps(body).replace(json.dumps(body[field]), '"a\udc80b"', 1)
    # UTF-8 cannot encode a surrogate; "surrogatepass" writes the bytes a sloppy client would.
    response = send(
        unchanged,
        method,
        template,
        data=raw.encode("utf-8", "surrogatepass"),
        content_type="application/json",
    )
    assert_refused(response, 400)


@pytest.mark.parametrize(("method", "template"), WRITES)
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_nul_in_every_form_field_is_400(unchanged, method, template, encoding):
    body = {k: f"{v}\x00" for k, v in valid_body(unchanged, template).items()}
    if encoding == "urlencoded":
        response = send(
            unchanged,
            method,
            template,
            data=urllib.parse.urlencode(body),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = send(unchanged, method, template, data=body, format="multipart")
    assert_refused(response, 400)


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/signup", {"name": "N\x00", "email": "nul\x00@example.com", "password": PASSWORD}),
        ("/signup", {"name": "N", "email": "nul@example.com", "password": f"{PASSWORD}\x00"}),
        ("/login", {"email": "owner@example.com\x00", "password": PASSWORD}),
        ("/login", {"email": "owner@example.com", "password": f"{PASSWORD}\x00"}),
    ],
)
def test_nul_in_the_sign_up_and_sign_in_forms_is_refused_on_the_form(unchanged, path, fields):
    response = Client().post(path, fields)
    assert response.status_code == 200  # the form again, with the error
    assert response.context["form"].errors


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/dashboard/profile", {"form": "profile", "name": "N\x00", "email": "owner@example.com"}),
        ("/dashboard/profile", {"form": "password", "current_password": f"{PASSWORD}\x00"}),
        ("/dashboard/profile", {"form": "delete", "password": f"{PASSWORD}\x00"}),
        ("/dashboard/api-keys", {"name": "key\x00", "scope": "read_write"}),
        ("/dashboard/api-keys", {"name": "key", "scope": "read_write\x00"}),
    ],
)
def test_nul_in_dashboard_forms_is_refused_on_the_form(world, path, fields):
    browser = Client()
    browser.force_login(world.owner)
    before = database_state()  # after force_login, which writes `last_login`
    response = browser.post(path, fields)
    assert response.status_code == 200
    assert database_state() == before


# --- Deep nesting and oversized bodies --------------------------------------------------------


@pytest.mark.parametrize(("method", "template"), WRITES)
@pytest.mark.parametrize("shape", ["array", "object"])
def test_json_nested_10000_deep_is_400(unchanged, method, template, shape):
    depth = 10_000
    raw = "[" * depth + "]" * depth if shape == "array" else '{"a":' * depth + "1" + "}" * depth
    response = send(unchanged, method, template, data=raw, content_type="application/json")
    assert_refused(response, 400)


@pytest.mark.parametrize(("method", "template"), OPERATIONS)
def test_a_json_body_over_the_limit_is_413_on_every_operation(
    unchanged, settings, method, template
):
    raw = json.dumps({"name": "x" * settings.API_MAX_BODY_BYTES})
    # `generic`: the test client would put a GET's data in the query string.
    response = unchanged.owner_api.generic(
        method.upper(), unchanged.fill(template), raw, content_type="application/json"
    )
    assert_refused(response, 413)


@pytest.mark.parametrize(("method", "template"), WRITES)
def test_many_form_fields_are_400_not_500(unchanged, method, template):
    body = "&".join(f"f{n}=1" for n in range(5000))
    response = send(
        unchanged,
        method,
        template,
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert_refused(response, 400)


# --- Invalid ids in paths and query parameters ------------------------------------------------

BAD_IDS = [
    "not-a-uuid",
    "0",
    "-1",
    "%00",
    "%F0%9F%92%A5",
    "%ED%A0%80",
    "00000000-0000-0000-0000-00000000000g",
    "' OR 1=1 --",
    "a" * 2000,
    "12345678123456781234567812345678123",
    "00000000-0000-0000-0000-000000000000",
]


@pytest.mark.parametrize(("method", "template"), WITH_PATH_IDS)
@pytest.mark.parametrize("bad", BAD_IDS)
def test_an_invalid_or_unknown_id_in_the_path_is_404(unchanged, method, template, bad):
    for parameter in ("{id}", "{organization_id}", "{user_id}"):
        if parameter not in template:
            continue
        path = unchanged.fill(template.replace(parameter, urllib.parse.quote(bad, safe="%")))
        response = getattr(unchanged.owner_api, method)(path, {}, format="json")
        assert_refused(response, 404)


def _cursor(query: str) -> str:
    return base64.b64encode(query.encode("utf-8", "surrogatepass")).decode("ascii")


ABSURD_LIMITS = ["0", "-1", "101", "1e3", "1.5", "abc", "", "9" * 5000, "\x00", "0x10", "½"]
ABSURD_CURSORS = [
    "garbage",
    "%%%",
    "\x00",
    "A" * 20_000,
    _cursor("p=\x00"),
    _cursor("p=9999-99-99"),
    _cursor("p=not a date&r=1"),
    _cursor("o=99999999999999999999999999&r=1"),
    _cursor("o=-5&p=2020-01-01"),
    _cursor("p=" + "9" * 10_000),
    _cursor("p=\udc80"),
    base64.b64encode(b"\xff\xfe\x00").decode(),
]


@pytest.mark.parametrize("template", LISTS)
@pytest.mark.parametrize("limit", ABSURD_LIMITS)
def test_an_absurd_limit_is_400(unchanged, template, limit):
    response = unchanged.owner_api.get(unchanged.fill(template), {"limit": limit})
    assert_refused(response, 400)
    assert response.json()["error"]["details"]["field"] == "limit"


@pytest.mark.parametrize("template", LISTS)
@pytest.mark.parametrize("cursor", ABSURD_CURSORS)
def test_an_absurd_cursor_is_never_a_500(unchanged, template, cursor):
    response = unchanged.owner_api.get(unchanged.fill(template), {"cursor": cursor})
    assert response.status_code < 500, response.content[:300]
    if response.status_code != 200:
        assert_refused(response, 400)
        assert response.json()["error"]["details"]["field"] == "cursor"


@pytest.mark.parametrize("bad", ["not-a-uuid", "\x00", "1", "' OR 1=1 --", "%ED%A0%80"])
def test_an_invalid_organization_filter_is_400(unchanged, bad):
    response = unchanged.owner_api.get("/v1/projects", {"organization": bad})
    assert_refused(response, 400)
    assert response.json()["error"]["details"]["field"] == "organization"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unknown_v1_path_is_the_404_envelope_even_where_csrf_is_enforced(method):
    # A browser-like client: Django's CSRF check would answer its HTML 403 page.
    response = getattr(Client(enforce_csrf_checks=True), method)("/v1/no-such-thing")
    assert_refused(response, 404)


# --- Media types and headers -----------------------------------------------------------------

REFUSED_BODIES = [
    ("text/plain", b'{"name": "x"}'),
    ("application/xml", b"<name>x</name>"),
    ("text/html", b"<p>x</p>"),
    ("application/octet-stream", b"\x00\x01\x02"),
    ("application/json-patch+json", b'[{"op": "add"}]'),
    ("", b'{"name": "x"}'),
    ("multipart/form-data", b"no boundary"),
    ("multipart/form-data; boundary=zzz", b"--zzz\r\nbroken"),
    ("multipart/form-data; boundary=zzz", b'{"name": "x"}'),
    ("application/json; charset=utf-16", b'{"name": "x"}'),
    ("application/json", b"\xff\xfe\xfd"),
    ("application/json", b'"just a string"'),
    ("application/json", b"null"),
    ("application/json", b"[]"),
    ("application/json", b'{"name": 1e999}'),
    ("application/json", b'{"name": ' + b"9" * 5000 + b"}"),
]


@pytest.mark.parametrize(("method", "template"), WRITES)
@pytest.mark.parametrize(("content_type", "raw"), REFUSED_BODIES)
def test_a_body_that_is_not_what_we_take_is_refused(unchanged, method, template, content_type, raw):
    response = unchanged.owner_api.generic(
        method.upper(), unchanged.fill(template), raw, content_type=content_type
    )
    assert_refused(response)
    assert response.status_code in (400, 415)


@pytest.mark.parametrize(("method", "template"), WRITES)
@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=no-such-charset", "application/json; charset=UTF-8"],
)
def test_an_unknown_charset_is_read_as_utf8(world, generous_limits, method, template, content_type):
    # Django ignores a charset it does not know; the body is read as UTF-8, never a 500.
    raw = json.dumps(valid_body(world, template)).encode()
    response = world.owner_api.generic(
        method.upper(), world.fill(template), raw, content_type=content_type
    )
    assert response.status_code < 500, response.content[:300]


HOSTILE_HEADERS = [
    {"HTTP_AUTHORIZATION": "Bearer " + "a" * 100_000},
    {"HTTP_AUTHORIZATION": "Bearer sk_live_" + "a" * 100_000},
    {"HTTP_AUTHORIZATION": "Bearer " + "\x00" * 64},
    {"HTTP_AUTHORIZATION": "Bearer a.b.c"},
    {"HTTP_AUTHORIZATION": "Bearer"},
    {"HTTP_AUTHORIZATION": "Basic b3duZXI6cHc="},
    {"HTTP_AUTHORIZATION": "Bearer a b"},
    {"HTTP_AUTHORIZATION": "Bearer é"},
]


@pytest.mark.parametrize(("method", "template"), [op for op in OPERATIONS if op not in PUBLIC])
@pytest.mark.parametrize("headers", HOSTILE_HEADERS, ids=lambda h: h["HTTP_AUTHORIZATION"][:20])
def test_a_hostile_authorization_header_is_401(unchanged, method, template, headers):
    response = getattr(APIClient(), method)(unchanged.fill(template), {}, format="json", **headers)
    assert_refused(response, 401)


@pytest.mark.parametrize(("method", "template"), OPERATIONS)
def test_huge_other_headers_change_nothing(unchanged, method, template):
    headers = {
        "HTTP_X_REQUEST_ID": "r" * 100_000,
        "HTTP_ACCEPT": "application/json;q=0.1, " * 5_000,
        "HTTP_X_FORWARDED_FOR": ", ".join(["10.0.0.1"] * 10_000),
        "HTTP_COOKIE": "sessionid=" + "s" * 50_000,
        "HTTP_X_CUSTOM": "\x00" * 10_000,
    }
    response = getattr(APIClient(), method)(unchanged.fill(template), {}, format="json", **headers)
    # Anonymous: 401 for protected operations, 400 for the public ones' empty body.
    assert_refused(response)
    assert response.status_code in (400, 401)
    assert response["X-Request-Id"].startswith("req_")


# --- Email case variants ----------------------------------------------------------------------

OWNER_VARIANTS = [
    "OWNER@EXAMPLE.COM",
    "Owner@Example.Com",
    "owner@EXAMPLE.com",
    " owner@example.com ",
]
# Python's case-insensitive [A-Z] matches these non-ASCII letters too (the Kelvin sign K and
# the long s ſ), so they pass Django's email validator: they must not make a second "owner".
LOOKALIKES = ["\u212aate@example.com", "\u017fam@example.com"]


@pytest.mark.parametrize("email", OWNER_VARIANTS)
def test_login_is_case_insensitive(world, generous_limits, email):
    response = APIClient().post(
        "/v1/auth/login", {"email": email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["user"]["id"] == str(world.owner.pk)


@pytest.mark.parametrize("email", OWNER_VARIANTS)
def test_taking_another_users_email_in_another_case_is_400(unchanged, email):
    response = unchanged.member_api.patch("/v1/users/me", {"email": email}, format="json")
    assert_refused(response, 400)
    assert response.json()["error"]["details"]["field"] == "email"


@pytest.mark.parametrize("email", OWNER_VARIANTS)
def test_signing_up_with_a_taken_email_in_another_case_is_refused(unchanged, email):
    response = Client().post("/signup", {"email": email, "password": PASSWORD})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_adding_a_member_by_email_in_another_case_finds_them_once(world, generous_limits):
    client = client_for(world.owner)
    path = f"/v1/organizations/{world.organization.pk}/members"
    first = client.post(path, {"email": "NEWCOMER@example.com"}, format="json")
    assert first.status_code == 201
    again = client.post(path, {"email": "Newcomer@Example.COM"}, format="json")
    assert_refused(again)
    assert again.status_code in (400, 409)
    assert Membership.objects.filter(user=world.newcomer).count() == 1


@pytest.mark.parametrize("lookalike", LOOKALIKES)
def test_a_lookalike_email_never_breaks_sign_in(world, generous_limits, lookalike):
    ascii_twin = lookalike.replace("\u212a", "k").replace("\u017f", "s")
    make_user(email=ascii_twin)
    response = Client().post("/signup", {"email": lookalike, "password": PASSWORD})
    assert response.status_code in (200, 302)
    for email in (ascii_twin, ascii_twin.upper(), lookalike):
        login = APIClient().post(
            "/v1/auth/login", {"email": email, "password": PASSWORD}, format="json"
        )
        assert login.status_code in (200, 400, 401), login.content[:300]


# --- Concurrent sign-ups with one email -------------------------------------------------------

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and real concurrency need PostgreSQL"
)


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sign_ups_with_one_email_make_one_account(generous_limits):
    variants = ["race@example.com", "RACE@example.com", "Race@Example.com", "race@EXAMPLE.COM"]
    variants = variants * 2

    def sign_up(email: str):
        def request() -> int:
            return Client().post("/signup", {"email": email, "password": PASSWORD}).status_code

        return request

    statuses = at_once(*(sign_up(email) for email in variants))
    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(302) == 1, statuses  # one account, signed in
    assert set(statuses) <= {200, 302}, statuses  # the others: the form with the error
    assert User.objects.filter(email__iexact="race@example.com").count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_email_changes_to_one_address_leave_one_owner_of_it(generous_limits):
    users = [make_user(email=f"changer{n}@example.com") for n in range(6)]
    clients = [client_for(user) for user in users]

    def change(n: int):
        def request() -> int:
            email = "Taken@Example.com" if n % 2 else "taken@example.com"
            return clients[n].patch("/v1/users/me", {"email": email}, format="json").status_code

        return request

    statuses = at_once(*(change(n) for n in range(len(users))))
    assert sorted(statuses) == [200] + [400] * (len(users) - 1), statuses
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
