"""One Bearer scheme for access tokens and `sk_live_` keys (docs/api.md): who gets in, and how
cheaply. Every refusal is a 401 `unauthorized` with `WWW-Authenticate: Bearer`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import jwt
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import keys
from accounts.models import ApiKey, ApiKeyScope, User
from accounts.services import api_key_revoke
from tests.api.envelope import assert_envelope, assert_unauthorized
from tests.factories import access_token_for, client_for, make_api_key, make_login, make_user

pytestmark = pytest.mark.django_db

ME = "/v1/users/me"


def get_me(authorization: str):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=authorization)
    return api.get(ME)


def _tamper_signature(token: str) -> str:
    header, payload, signature = token.split(".")
    # A character from the middle: the last one of a base64url signature may carry no bits.
    middle = len(signature) // 2
    swapped = "A" if signature[middle] != "A" else "B"
    return f"{header}.{payload}.{signature[:middle]}{swapped}{signature[middle + 1 :]}"


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _swap_user_claim(token: str, other: User) -> str:
    """Another user's id in the payload, the original signature kept."""
    header, _, signature = token.split(".")
    forged = jwt.encode(
        {**_claims(token), "user_id": str(other.pk)}, "a-guessed-key" * 5, algorithm="HS256"
    )
    return f"{header}.{forged.split('.')[1]}.{signature}"


def _wrong_checksum(key: str) -> str:
    last = key[-1]
    return key[:-1] + ("0" if last != "0" else "1")


# Each case builds the Authorization header a bad client would send, from the user `owner`.
BAD_CREDENTIALS: dict[str, Callable[[User], str]] = {
    "refresh token as bearer": lambda owner: f"Bearer {make_login(owner).refresh}",
    "tampered signature": lambda owner: f"Bearer {_tamper_signature(make_login(owner).access)}",
    "payload swapped to another user": lambda owner: (
        f"Bearer {_swap_user_claim(make_login(owner).access, make_user())}"
    ),
    "alg none": lambda owner: (
        "Bearer " + jwt.encode(_claims(make_login(owner).access), None, algorithm="none")
    ),
    "signed with another key": lambda owner: (
        "Bearer "
        + jwt.encode(_claims(make_login(owner).access), "not-our-secret-" * 4, algorithm="HS256")
    ),
    "HS512 instead of HS256": lambda owner: (
        "Bearer "
        + jwt.encode(_claims(make_login(owner).access), "not-our-secret-" * 5, algorithm="HS512")
    ),
    "garbage": lambda owner: "Bearer garbage",
    "non-ascii token": lambda owner: "Bearer t\u00f6k\u00e9n",
    "three dotted parts of garbage": lambda owner: "Bearer a.b.c",
    "bearer with no token": lambda owner: "Bearer",
    "bearer with two tokens": lambda owner: f"Bearer {make_login(owner).access} extra",
    "basic auth": lambda owner: "Basic b3duZXJAZXhhbXBsZS5jb206c2VjcmV0",
    "token without a scheme": lambda owner: make_login(owner).access,
    "malformed key": lambda owner: "Bearer sk_live_tooshort",
    "key with a wrong checksum": lambda owner: f"Bearer {_wrong_checksum(make_api_key(owner)[1])}",
    "well-formed key we never issued": lambda owner: f"Bearer {keys.generate_key()}",
    "revoked key": lambda owner: f"Bearer {_revoked(make_api_key(owner))}",
    "expired key": lambda owner: (
        "Bearer " + make_api_key(owner, expires_at=timezone.now() - timedelta(seconds=1))[1]
    ),
}


def _revoked(created: tuple[ApiKey, str]) -> str:
    api_key, raw = created
    api_key_revoke(api_key=api_key)
    return raw


@pytest.mark.parametrize("case", list(BAD_CREDENTIALS))
def test_bad_credentials_are_401_with_www_authenticate(user, case):
    assert_unauthorized(get_me(BAD_CREDENTIALS[case](user)))


def test_an_expired_access_token_is_refused(user):
    token = make_login(user).access
    assert get_me(f"Bearer {token}").status_code == 200
    with time_machine.travel(timedelta(minutes=15, seconds=1)):
        assert_unauthorized(get_me(f"Bearer {token}"))


def test_an_access_token_just_before_expiry_still_works(user):
    token = make_login(user).access
    with time_machine.travel(timedelta(minutes=14, seconds=50)):
        assert get_me(f"Bearer {token}").status_code == 200


def test_a_key_past_its_expiry_is_refused(user):
    _, key = make_api_key(user, expires_at=timezone.now() + timedelta(days=1))
    assert get_me(f"Bearer {key}").status_code == 200
    with time_machine.travel(timedelta(days=1, seconds=1)):
        error = assert_unauthorized(get_me(f"Bearer {key}"))
    assert "expired" in error["message"]


def test_a_revoked_key_is_refused_from_the_next_request_on(user):
    api_key, key = make_api_key(user)
    assert get_me(f"Bearer {key}").status_code == 200
    api_key_revoke(api_key=api_key)
    assert "revoked" in assert_unauthorized(get_me(f"Bearer {key}"))["message"]


def test_the_token_and_key_of_an_inactive_user_are_refused(user):
    token = make_login(user).access
    _, key = make_api_key(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert_unauthorized(get_me(f"Bearer {token}"))
    assert_unauthorized(get_me(f"Bearer {key}"))


def test_the_token_and_key_of_a_deleted_user_are_refused(user):
    token = make_login(user).access
    _, key = make_api_key(user)
    user.delete()
    assert_unauthorized(get_me(f"Bearer {token}"))
    assert_unauthorized(get_me(f"Bearer {key}"))


def test_a_key_acts_as_its_owner(user, outsider):
    _, key = make_api_key(outsider)
    body = get_me(f"Bearer {key}").json()
    assert body["id"] == str(outsider.pk)


def test_the_scheme_name_is_case_insensitive(user):
    assert get_me(f"bearer {access_token_for(user)}").status_code == 200


# --- Read-only keys ---------------------------------------------------------------------------


@pytest.fixture
def read_only_key(user) -> str:
    return make_api_key(user, scope=ApiKeyScope.READ_ONLY)[1]


def test_a_read_only_key_reads(user, read_only_key):
    api = client_for(user, read_only_key)
    assert api.get(ME).status_code == 200
    assert api.get(f"/v1/users/{user.pk}").status_code == 200


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("patch", {"name": "Changed"}),
        ("put", {"name": "Changed", "email": "owner@example.com"}),
        ("delete", None),
    ],
)
def test_a_read_only_key_is_refused_on_unsafe_methods(user, read_only_key, method, body):
    response = getattr(client_for(user, read_only_key), method)(ME, body, format="json")
    error = assert_envelope(response, 403, "forbidden")
    assert "read-only" in error["message"]
    user.refresh_from_db()
    assert user.name == "Olive Owner"


def test_a_read_write_key_writes(user):
    _, key = make_api_key(user, scope=ApiKeyScope.READ_WRITE)
    response = client_for(user, key).patch(ME, {"name": "Changed"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Changed"


# --- Cost -------------------------------------------------------------------------------------


def test_users_me_with_an_api_key_runs_at_most_two_queries(user, django_assert_max_num_queries):
    _, key = make_api_key(user)
    api = client_for(user, key)
    with django_assert_max_num_queries(2):  # the key with its owner and plan; last_used_at
        assert api.get(ME).status_code == 200
    with django_assert_max_num_queries(1):  # within the minute: the lookup alone
        assert api.get(ME).status_code == 200


@pytest.mark.parametrize(
    "malformed",
    ["sk_live_tooshort", "sk_live_" + "a" * 38, "sk_live_" + "!" * 38, "sk_live_" + "a" * 100],
)
def test_a_malformed_key_runs_no_query(user, malformed, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert_unauthorized(get_me(f"Bearer {malformed}"))


def test_a_mistyped_key_is_refused_by_its_checksum_without_a_query(user, django_assert_num_queries):
    mistyped = _wrong_checksum(make_api_key(user)[1])
    with django_assert_num_queries(0):
        assert_unauthorized(get_me(f"Bearer {mistyped}"))


def test_a_key_is_verified_with_one_indexed_lookup_and_no_password_hasher(user):
    api_key, key = make_api_key(user)
    with CaptureQueriesContext(connection) as queries:
        assert get_me(f"Bearer {key}").status_code == 200
    lookups = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(lookups) == 1
    assert api_key.digest in lookups[0]
    assert key not in " ".join(q["sql"] for q in queries)


def test_last_used_at_is_written_at_most_once_a_minute(user):
    api_key, key = make_api_key(user)
    assert api_key.last_used_at is None
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first_use = timezone.now()
        assert get_me(f"Bearer {key}").status_code == 200
        api_key.refresh_from_db()
        assert api_key.last_used_at == first_use

        clock.shift(timedelta(seconds=59))
        with CaptureQueriesContext(connection) as queries:
            assert get_me(f"Bearer {key}").status_code == 200
        assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
        api_key.refresh_from_db()
        assert api_key.last_used_at == first_use

        clock.shift(timedelta(seconds=1))
        assert get_me(f"Bearer {key}").status_code == 200
        api_key.refresh_from_db()
        assert api_key.last_used_at == first_use + timedelta(minutes=1)
