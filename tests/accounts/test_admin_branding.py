"""The admin is the staff's tool, and says so."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import admin_login, html, make_user

pytestmark = pytest.mark.django_db


def test_the_admin_is_branded_cloudbooks_staff():
    stella = make_user(email="stella@example.com", is_staff=True, is_superuser=True)
    page = html(admin_login(Client(), stella).get("/admin/"))
    assert "<title>Staff tools | CloudBooks staff</title>" in page
    assert ">CloudBooks staff</a>" in page
    assert "CloudBooks administration" not in page
