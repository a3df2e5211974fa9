"""The user shape written out by hand (the hot path of /v1/users/me) equals the declared one."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from accounts.api.serializers import UserSerializer
from tests.factories import client_for, make_user

pytestmark = pytest.mark.django_db


def declared_representation(user) -> dict:
    """What ModelSerializer's own field-by-field representation gives for `user`."""
    return serializers.ModelSerializer.to_representation(UserSerializer(user), user)


def test_the_written_out_user_equals_what_the_declared_fields_give():
    user = make_user(email="olive@example.com", name="Olive Owner")
    assert UserSerializer(user).data == declared_representation(user)


def test_it_covers_every_declared_field_and_nothing_more():
    user = make_user()
    assert list(UserSerializer(user).data) == UserSerializer.Meta.fields
    assert set(UserSerializer().fields) == set(UserSerializer.Meta.fields)


def test_the_user_shape_is_the_one_users_me_answers(user):
    body = client_for(user).get("/v1/users/me").json()
    user.refresh_from_db()
    assert body == declared_representation(user)
