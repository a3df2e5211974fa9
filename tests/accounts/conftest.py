"""Personas of the accounts tests. `user` (tests/conftest.py) is Olive Owner."""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.factories import PASSWORD, make_user


@pytest.fixture
def outsider(db) -> User:
    return make_user(email="outsider@example.com", name="Oscar Outsider")


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_superuser("staff@example.com", PASSWORD, name="Stella Staff")
