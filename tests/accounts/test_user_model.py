"""`accounts.User` and `accounts.Plan`: the manager, createsuperuser, email uniqueness, plans."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from accounts.models import Plan, User
from tests.factories import PASSWORD, admin_login, make_user

pytestmark = pytest.mark.django_db


def test_create_user_hashes_the_password_and_puts_the_user_on_free():
    user = User.objects.create_user("ada@Example.COM", "s3cret-pass", name="Ada")
    user.refresh_from_db()
    assert user.email == "ada@example.com"  # the domain part is normalised
    assert user.name == "Ada"
    assert user.password != "s3cret-pass"
    assert user.check_password("s3cret-pass")
    assert user.is_active and not user.is_staff and not user.is_superuser
    assert user.plan_id == "free"
    assert user.created_at and user.updated_at


def test_create_user_takes_extra_fields():
    pro = Plan.objects.get(slug="pro")
    user = User.objects.create_user("bob@example.com", PASSWORD, plan=pro, is_active=False)
    assert user.plan == pro
    assert not user.is_active


def test_create_user_without_password_has_an_unusable_one():
    user = User.objects.create_user("nopass@example.com")
    assert not user.has_usable_password()


def test_create_user_refuses_a_missing_or_invalid_email():
    with pytest.raises(ValueError):
        User.objects.create_user("", PASSWORD)
    with pytest.raises(ValidationError):
        User.objects.create_user("not-an-email", PASSWORD)
    assert not User.objects.exists()


def test_create_superuser_is_staff_and_superuser():
    admin = User.objects.create_superuser("root@example.com", PASSWORD)
    assert admin.is_staff and admin.is_superuser
    assert admin.check_password(PASSWORD)
    with pytest.raises(ValueError):
        User.objects.create_superuser("half@example.com", PASSWORD, is_staff=False)


def test_createsuperuser_noinput_reads_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ops@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "an ops password")
    call_command("createsuperuser", "--noinput", verbosity=0)
    admin = User.objects.get(email="ops@example.com")
    assert admin.is_staff and admin.is_superuser
    assert admin.check_password("an ops password")
    assert admin.plan_id == "free"


def test_superuser_from_createsuperuser_can_sign_in_to_the_admin_and_the_api(monkeypatch, client):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ops@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "an ops password")
    call_command("createsuperuser", "--noinput", verbosity=0)
    # The admin: the password, then a second factor (enrolled at the first sign-in).
    admin_login(client, User.objects.get(email="ops@example.com"), password="an ops password")
    assert client.get("/admin/").status_code == 200
    response = client.post(
        "/v1/auth/login",
        {"email": "ops@example.com", "password": "an ops password"},
        content_type="application/json",
    )
    assert response.status_code == 200


@pytest.mark.parametrize("variant", ["ALICE@example.com", "Alice@Example.com", "alice@EXAMPLE.COM"])
def test_email_is_unique_case_insensitively_in_the_database(variant):
    make_user(email="alice@example.com")
    # A bare save skips every check in Python: the database itself must refuse.
    with pytest.raises(IntegrityError), transaction.atomic():
        User(email=variant).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(variant, PASSWORD)
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1


def test_natural_key_lookup_ignores_case():
    user = make_user(email="carol@example.com")
    assert User.objects.get_by_natural_key("CAROL@example.com") == user


def test_three_plans_are_seeded_with_their_limits():
    plans = {p.slug: (p.name, p.requests_per_hour) for p in Plan.objects.all()}
    assert plans == {
        "free": ("Free", 1000),
        "pro": ("Pro", 10000),
        "enterprise": ("Enterprise", None),
    }
    assert Plan.objects.get(slug="enterprise").is_unlimited
    assert not Plan.objects.get(slug="free").is_unlimited


def test_a_plan_in_use_cannot_be_deleted(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(slug="free").delete()
