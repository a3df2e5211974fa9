"""Staff manage API keys in the Django admin (SPEC §4): created once, never shown again."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import keys
from accounts.models import ApiKey, ApiKeyScope
from tests.api.envelope import assert_unauthorized
from tests.factories import admin_login, client_for, make_api_key, make_user

pytestmark = pytest.mark.django_db

ADD = reverse("admin:accounts_apikey_add")
CHANGELIST = reverse("admin:accounts_apikey_changelist")
KEY_PATTERN = re.compile(r"sk_live_[0-9A-Za-z]{38}")


@pytest.fixture
def staff_client(client, staff):
    return admin_login(client, staff)


def create_through_the_admin(staff_client, owner, **fields):
    data = {
        "owner": str(owner.pk),
        "name": "billing export",
        "scope": ApiKeyScope.READ_ONLY,
        "expires_at_0": "",
        "expires_at_1": "",
        "_save": "Save",
        **fields,
    }
    return staff_client.post(ADD, data)


def test_staff_create_a_key_for_another_user_and_see_it_once(staff_client, user):
    response = create_through_the_admin(staff_client, user)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [key] = set(KEY_PATTERN.findall(response.content.decode()))
    assert keys.is_well_formed(key)

    api_key = ApiKey.objects.get()
    assert api_key.owner == user
    assert api_key.name == "billing export"
    assert api_key.scope == ApiKeyScope.READ_ONLY
    # The row holds the digest and the display prefix, never the key.
    assert api_key.digest == keys.digest(key)
    assert api_key.prefix == key[: keys.DISPLAY_PREFIX_LENGTH]
    stored = " ".join(str(getattr(api_key, f.attname)) for f in ApiKey._meta.fields)
    assert key not in stored
    assert key[keys.DISPLAY_PREFIX_LENGTH :] not in stored

    # The key acts as the user it was made for, with the scope chosen.
    api = client_for(user, key)
    me = api.get("/v1/users/me")
    assert me.status_code == 200
    assert me.json()["id"] == str(user.pk)
    assert api.patch("/v1/users/me", {"name": "x"}, format="json").status_code == 403


def test_the_admin_history_records_the_key_that_was_created(staff_client, user):
    response = create_through_the_admin(staff_client, user)
    [key] = set(KEY_PATTERN.findall(response.content.decode()))
    api_key = ApiKey.objects.get()
    entry = LogEntry.objects.get(action_flag=ADDITION)
    assert entry.object_id == str(api_key.pk)
    assert key not in entry.object_repr + entry.change_message


def test_an_expiry_can_be_set_when_creating(staff_client, user):
    response = create_through_the_admin(
        staff_client, user, expires_at_0="2031-01-02", expires_at_1="03:04:05"
    )
    assert response.status_code == 200
    assert ApiKey.objects.get().expires_at.isoformat() == "2031-01-02T03:04:05+00:00"


def test_the_created_key_is_never_shown_again(staff_client, user):
    response = create_through_the_admin(staff_client, user)
    [key] = set(KEY_PATTERN.findall(response.content.decode()))
    api_key = ApiKey.objects.get()
    pages = [
        CHANGELIST,
        f"{CHANGELIST}?q={user.email}",
        reverse("admin:accounts_apikey_change", args=[api_key.pk]),
        reverse("admin:accounts_apikey_history", args=[api_key.pk]),
        reverse("admin:accounts_apikey_delete", args=[api_key.pk]),
        reverse("admin:index"),
    ]
    for page in pages:
        html = staff_client.get(page).content.decode()
        assert key not in html, page
        assert api_key.digest not in html, page
        assert KEY_PATTERN.search(html) is None, page


def test_the_change_page_shows_the_details_but_not_the_digest(staff_client, user):
    api_key, _ = make_api_key(user, name="nightly sync")
    response = staff_client.get(reverse("admin:accounts_apikey_change", args=[api_key.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "nightly sync" in html
    assert api_key.prefix in html
    assert api_key.digest not in html
    assert 'name="digest"' not in html


def test_the_changelist_shows_name_owner_prefix_scope_and_status(staff_client, user):
    api_key, _ = make_api_key(user, name="nightly sync")
    response = staff_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("nightly sync", user.email, api_key.prefix, "read_write", "active"):
        assert shown in html
    assert api_key.digest not in html


def test_search_by_owner_email_or_prefix(staff_client, user, outsider):
    mine, _ = make_api_key(user, name="owner key")
    theirs, _ = make_api_key(outsider, name="outsider key")

    def found(query: str) -> set[str]:
        response = staff_client.get(CHANGELIST, {"q": query})
        assert response.status_code == 200
        return {k.name for k in response.context["cl"].result_list}

    assert found("owner@example.com") == {"owner key"}
    assert found("OUTSIDER@example") == {"outsider key"}
    assert found(mine.prefix) == {"owner key"}
    assert found(theirs.prefix) == {"outsider key"}


def test_the_revoke_action_revokes_the_selected_keys(staff_client, user):
    doomed, doomed_key = make_api_key(user, name="doomed")
    kept, kept_key = make_api_key(user, name="kept")
    response = staff_client.post(
        CHANGELIST,
        {"action": "revoke_keys", "_selected_action": [str(doomed.pk)], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Revoked 1 API key(s)." in response.content.decode()
    doomed.refresh_from_db()
    kept.refresh_from_db()
    assert doomed.revoked_at is not None and doomed.status == "revoked"
    assert kept.revoked_at is None
    assert_unauthorized(client_for(user, doomed_key).get("/v1/users/me"))
    assert client_for(user, kept_key).get("/v1/users/me").status_code == 200


def test_the_changelist_costs_the_same_for_few_and_many_keys(staff_client, user):
    make_api_key(user)

    def queries_for_changelist() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(CHANGELIST).status_code == 200
        return len(queries)

    few = queries_for_changelist()
    for _ in range(10):
        make_api_key(make_user())
    assert queries_for_changelist() == few


def test_people_who_are_not_staff_cannot_reach_the_key_admin(client, user):
    client.force_login(user)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
