"""Refresh tokens are not stored in clear, and the token tables are not in the admin."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from tests.factories import PASSWORD, admin_login

pytestmark = pytest.mark.django_db


def test_a_login_stores_the_refresh_tokens_id_only(user):
    login = APIClient().post(
        "/v1/auth/login", {"email": user.email, "password": PASSWORD}, format="json"
    )
    refreshed = APIClient().post(
        "/v1/auth/refresh", {"refresh": login.json()["refresh"]}, format="json"
    )
    assert refreshed.status_code == 200
    rows = list(OutstandingToken.objects.filter(user=user))
    assert len(rows) == 2
    for row in rows:
        assert row.token == ""
        assert row.jti
    assert not OutstandingToken.objects.filter(token__contains=login.json()["refresh"]).exists()


@pytest.mark.parametrize("model", ["outstandingtoken", "blacklistedtoken"])
def test_staff_cannot_browse_the_token_tables_in_the_admin(staff, model):
    browser = admin_login(Client(), staff)
    assert browser.get(f"/admin/token_blacklist/{model}/").status_code == 404
    assert "token_blacklist" not in browser.get("/admin/").content.decode()
