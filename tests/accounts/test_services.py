"""Account rules at the service level: key authentication, email lookups, password guesses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import keys, services
from accounts.models import ApiKey, ApiKeyScope
from cloudbooks.errors import Invalid
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_key_authenticates_as_its_owner_and_is_stored_only_as_a_digest():
    owner = make_user()
    api_key, raw = services.api_key_create(owner=owner, name="ci", scope=ApiKeyScope.READ_ONLY)

    found = services.api_key_authenticate(raw)

    assert (found.pk, found.owner_id) == (api_key.pk, owner.pk)
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert stored.digest == keys.digest(raw) and raw not in (stored.digest, stored.prefix)
    assert raw.startswith(stored.prefix)


@pytest.mark.parametrize(
    ("field", "offset", "reason"),
    [("revoked_at", timedelta(0), "revoked"), ("expires_at", -timedelta(seconds=1), "expired")],
)
def test_a_revoked_or_expired_key_is_refused_with_its_reason(field, offset, reason):
    # The moment is taken when the test runs, on the clock it runs with (never at collection).
    api_key, raw = services.api_key_create(owner=make_user(), name="old")
    ApiKey.objects.filter(pk=api_key.pk).update(**{field: timezone.now() + offset})
    with pytest.raises(services.KeyRefused, match=reason):
        services.api_key_authenticate(raw)


def test_a_key_of_an_inactive_owner_and_a_malformed_key_are_refused():
    owner = make_user()
    _, raw = services.api_key_create(owner=owner, name="ci")
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    with pytest.raises(services.KeyRefused, match="inactive"):
        services.api_key_authenticate(raw)
    with pytest.raises(services.KeyRefused):
        services.api_key_authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B"))


def test_a_user_is_found_by_any_case_of_their_address_and_an_unknown_one_is_invalid():
    user = make_user(email="grace@example.com")
    assert services.user_by_email("Grace@Example.COM") == user
    with pytest.raises(Invalid) as refused:
        services.user_by_email("nobody@example.com")
    assert (refused.value.field, refused.value.issue) == ("email", services.UNKNOWN_USER)
