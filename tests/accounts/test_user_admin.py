"""The user admin: rights are granted by superusers only, and deleting goes through the service.

Personas: Stella Staff (`staff`, a superuser); Sam Support, staff with only the permissions
to view, change and delete users; Olive Owner (`user`) and Max Member, customers.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.models import User
from orgs.models import Membership, Organization, Role
from tests.factories import PASSWORD, admin_login, make_user
from tests.orgs.factories import add_member, make_organization, owner_count

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"


def change_page(user: User) -> str:
    return f"/admin/accounts/user/{user.pk}/change/"


@pytest.fixture
def support(db) -> User:
    sam = make_user(email="sam@example.com", name="Sam Support", is_staff=True)
    sam.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="accounts",
            codename__in=["view_user", "change_user", "delete_user"],
        )
    )
    return sam


@pytest.fixture
def support_client(client, support) -> Client:
    return admin_login(client, support)


@pytest.fixture
def staff_client(client, staff) -> Client:
    return admin_login(client, staff)


def submitted(client: Client, user: User, **changes) -> dict:
    """The change page's form as the browser would send it, with `changes` ticked or typed."""
    form = client.get(change_page(user)).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    for name, value in changes.items():
        data[name] = value
    return {**data, "_save": "Save"}


# --- Rights: superusers only ------------------------------------------------------------------


def test_staff_who_are_not_superusers_cannot_make_themselves_superusers(support_client, support):
    response = support_client.post(
        change_page(support), submitted(support_client, support, is_superuser="on")
    )

    assert response.status_code == 302
    support.refresh_from_db()
    assert support.is_superuser is False


def test_staff_who_are_not_superusers_cannot_grant_staff_or_deactivate(support_client, user, staff):
    support_client.post(change_page(user), submitted(support_client, user, is_staff="on"))
    data = submitted(support_client, staff)
    data.pop("is_active", None)
    support_client.post(change_page(staff), data)

    user.refresh_from_db()
    staff.refresh_from_db()
    assert user.is_staff is False
    assert staff.is_active is True


def test_staff_who_are_not_superusers_still_edit_profiles(support_client, user):
    response = support_client.post(
        change_page(user), submitted(support_client, user, name="Olive O.")
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.name == "Olive O."


def test_superusers_grant_rights(staff_client, user):
    response = staff_client.post(
        change_page(user), submitted(staff_client, user, is_staff="on", is_superuser="on")
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser


# --- Passwords: one's own, or a superuser's doing -----------------------------------------------


def test_staff_who_are_not_superusers_cannot_set_another_users_password(support_client, user):
    page = f"/admin/accounts/user/{user.pk}/password/"
    new = {"password1": "a new passphrase 42", "password2": "a new passphrase 42"}

    assert support_client.get(page).status_code == 403
    assert support_client.post(page, {**new, "usable_password": "true"}).status_code == 403

    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    html = support_client.get(change_page(user)).content.decode()
    assert "../password/" not in html
    assert "Only a superuser can change another user" in html


def test_staff_set_their_own_password(support_client, support):
    page = f"/admin/accounts/user/{support.pk}/password/"

    response = support_client.post(
        page,
        {
            "password1": "a new passphrase 42",
            "password2": "a new passphrase 42",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    support.refresh_from_db()
    assert support.check_password("a new passphrase 42")


def test_superusers_set_another_users_password(staff_client, user):
    response = staff_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {
            "password1": "a new passphrase 42",
            "password2": "a new passphrase 42",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a new passphrase 42")


# --- Deleting: the service's rules, one user at a time --------------------------------------


def test_deleting_the_only_owner_of_a_shared_organization_is_refused(staff_client, user):
    acme = make_organization(owner=user, name="Acme")
    add_member(acme, make_user(name="Max Member"))

    response = staff_client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert response["Location"] == change_page(user)
    assert User.objects.filter(pk=user.pk).exists()
    assert owner_count(acme) == 1
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()
    page = staff_client.get(response["Location"]).content.decode()
    assert "was not deleted" in page and "Acme" in page


def test_deleting_a_user_deletes_the_organizations_they_were_alone_in(staff_client, user):
    solo = make_organization(owner=user, name="Solo")

    response = staff_client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Organization.objects.filter(pk=solo.pk).exists()
    assert LogEntry.objects.filter(action_flag=DELETION, object_id=str(user.pk)).exists()


def test_bulk_delete_goes_through_the_service_for_each_user(staff_client, user):
    acme = make_organization(owner=user, name="Acme")
    max_ = make_user(name="Max Member")
    add_member(acme, max_, Role.MEMBER)
    bob = make_user(name="Bob")
    bobs = make_organization(owner=bob, name="Bob's")
    carl = make_user(name="Carl")
    selected = [str(u.pk) for u in (user, bob, carl)]

    confirm = staff_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": selected}
    )
    assert confirm.status_code == 200
    assert "Are you sure" in confirm.content.decode()
    response = staff_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "was not deleted" in page and "Acme" in page
    assert "Deleted 2 user(s)." in page
    assert set(User.objects.filter(pk__in=selected).values_list("email", flat=True)) == {user.email}
    assert Membership.objects.filter(organization=acme, user=user, role=Role.OWNER).exists()
    assert not Organization.objects.filter(pk=bobs.pk).exists()
    deleted = set(LogEntry.objects.filter(action_flag=DELETION).values_list("object_id", flat=True))
    assert deleted == {str(bob.pk), str(carl.pk)}
