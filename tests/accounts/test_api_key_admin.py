"""Staff manage API keys in the Django admin (docs/api.md): created once, never shown again."""

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
    # The key is shown on the page the POST redirects to.
    return staff_client.post(ADD, data, follow=True)


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


# --- A key is created once: reloading the page after the POST makes no second one -------------


def test_creating_a_key_redirects_and_a_reload_creates_nothing_nor_shows_it(staff_client, user):
    data = {
        "owner": str(user.pk),
        "name": "Support-issued key",
        "scope": ApiKeyScope.READ_WRITE,
        "expires_at_0": "",
        "expires_at_1": "",
        "_save": "Save",
    }
    response = staff_client.post(ADD, data)
    assert response.status_code == 302
    api_key = ApiKey.objects.get()
    shown = staff_client.get(response["Location"])
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    [key] = set(KEY_PATTERN.findall(shown.content.decode()))
    assert api_key.digest == keys.digest(key)

    reloaded = staff_client.get(response["Location"], follow=True)

    assert ApiKey.objects.count() == 1
    assert KEY_PATTERN.search(reloaded.content.decode()) is None
    assert "shown once only" in reloaded.content.decode()
    assert key[8:] not in str(staff_client.session.items())


# --- After creation, a key keeps its owner, scope and prefix; it is revoked, not deleted ------


def change_form(api_key: ApiKey, **fields) -> dict:
    return {
        "name": api_key.name,
        "expires_at_0": "",
        "expires_at_1": "",
        "_save": "Save",
        **fields,
    }


def test_a_keys_owner_scope_and_prefix_cannot_be_changed(staff_client, user, outsider):
    ada_key, raw = make_api_key(user, name="ada's key", scope=ApiKeyScope.READ_WRITE)
    page = reverse("admin:accounts_apikey_change", args=[ada_key.pk])

    form = staff_client.get(page).content.decode()
    response = staff_client.post(
        page,
        change_form(
            ada_key,
            name="renamed",
            owner=str(outsider.pk),
            scope=ApiKeyScope.READ_ONLY,
            prefix="sk_live_XXXXXX",
        ),
    )

    assert 'name="owner"' not in form and 'name="scope"' not in form
    assert response.status_code == 302
    ada_key.refresh_from_db()
    assert ada_key.name == "renamed"
    assert (ada_key.owner, ada_key.scope) == (user, ApiKeyScope.READ_WRITE)
    assert ada_key.prefix == raw[: keys.DISPLAY_PREFIX_LENGTH]
    assert client_for(user, raw).get("/v1/users/me").json()["email"] == user.email


def test_the_change_page_offers_revoke_in_place_of_delete(staff_client, user):
    api_key, _ = make_api_key(user, name="nightly sync")
    response = staff_client.get(reverse("admin:accounts_apikey_change", args=[api_key.pk]))
    html = response.content.decode()

    assert f'href="{reverse("admin:accounts_apikey_revoke", args=[api_key.pk])}"' in html
    assert reverse("admin:accounts_apikey_delete", args=[api_key.pk]) not in html
    assert "delete_selected" not in staff_client.get(CHANGELIST).content.decode()


def test_staff_cannot_delete_a_key(staff_client, user):
    api_key, _ = make_api_key(user)
    delete = reverse("admin:accounts_apikey_delete", args=[api_key.pk])

    assert staff_client.get(delete).status_code == 403
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    bulk = staff_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [str(api_key.pk)], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert ApiKey.objects.filter(pk=api_key.pk).exists()


def test_revoke_asks_first_then_stops_the_key(staff_client, user):
    api_key, raw = make_api_key(user, name="nightly sync")
    revoke = reverse("admin:accounts_apikey_revoke", args=[api_key.pk])

    confirm = staff_client.get(revoke)
    api_key.refresh_from_db()
    assert confirm.status_code == 200
    assert "Revoke “nightly sync”" in confirm.content.decode()
    assert api_key.revoked_at is None

    response = staff_client.post(revoke, follow=True)

    assert response.redirect_chain == [
        (reverse("admin:accounts_apikey_change", args=[api_key.pk]), 302)
    ]
    assert "revoked: it no longer works anywhere" in response.content.decode()
    api_key.refresh_from_db()
    assert api_key.status == "revoked"
    assert_unauthorized(client_for(user, raw).get("/v1/users/me"))
    # A revoked key offers no Revoke any more.
    assert revoke not in response.content.decode()


def test_people_who_are_not_staff_cannot_revoke(client, user):
    api_key, _ = make_api_key(user)
    client.force_login(user)

    response = client.post(reverse("admin:accounts_apikey_revoke", args=[api_key.pk]))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    api_key.refresh_from_db()
    assert api_key.revoked_at is None


# --- Finding a key by its secret ------------------------------------------------------------


def test_staff_find_a_key_by_pasting_the_whole_key(staff_client, user, outsider):
    wanted, raw = make_api_key(user, name="leaked")
    make_api_key(user, name="other")
    make_api_key(outsider, name="theirs")

    response = staff_client.get(CHANGELIST, {"q": f"  {raw} "})

    assert response.status_code == 200
    assert [k.pk for k in response.context["cl"].result_list] == [wanted.pk]


def test_a_well_formed_key_that_was_never_issued_finds_nothing(staff_client, user):
    make_api_key(user)

    response = staff_client.get(CHANGELIST, {"q": keys.generate_key()})

    assert list(response.context["cl"].result_list) == []
