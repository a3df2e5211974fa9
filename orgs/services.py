"""Organization and membership rules, called alike by the API, the admin and the dashboard.

Every change to who is in an organization, and with which role, first locks the
organization's row (`_lock`), then re-reads the memberships it decides on. Changes to one
organization's members are therefore serialized: two owners demoting each other at the same
moment are decided one after the other, and the second finds the last owner (409).
The lock is `FOR NO KEY UPDATE`, so creating projects in the organization is not blocked.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils.text import slugify

from accounts.models import User
from cloudbooks.errors import Conflict, Invalid, NotFound, PermissionDenied
from orgs import permissions
from orgs.models import Membership, Organization, Role

# A derived slug leaves room for a "-<n>" suffix within the field's 60 characters.
SLUG_BASE_MAX_LENGTH = 50
SLUG_FALLBACK = "organization"
SLUG_ATTEMPTS = 5
SLUG_TAKEN = "This slug is already taken"
ALREADY_MEMBER = "This user is already a member of the organization"
LAST_OWNER = "An organization must keep at least one owner"


# --- Queries --------------------------------------------------------------------------------


def organizations_for(user: User) -> QuerySet[Organization]:
    """The organizations `user` belongs to, each with `caller_role`: one query, one join.

    The role comes from the same join as the filter (one membership per user and
    organization), so a list costs one query however long it is.
    """
    return Organization.objects.filter(memberships__user=user).annotate(
        caller_role=F("memberships__role")
    )


def organization_ids_for(user: User) -> QuerySet:
    """The ids of `user`'s organizations, as a subquery."""
    return Membership.objects.filter(user=user).values("organization_id")


def co_member_ids(user: User) -> QuerySet:
    """The ids of everyone sharing an organization with `user` (`user` too), as a subquery."""
    return Membership.objects.filter(organization__in=organization_ids_for(user)).values("user_id")


# --- Organizations --------------------------------------------------------------------------


@transaction.atomic
def organization_create(
    *, owner: User, name: str, slug: str | None = None, description: str = ""
) -> Organization:
    """Create an organization with `owner` as its first owner.

    `slug` is derived from the name (and made unique) unless given; a given slug that is
    taken is a 409 Conflict naming `slug`.
    """
    organization = Organization(name=name, description=description)
    _save_with_slug(organization, slug=_normalize_slug(slug))
    Membership.objects.create(organization=organization, user=owner, role=Role.OWNER)
    return organization


@transaction.atomic
def organization_update(
    *,
    organization: Organization,
    name: str | None = None,
    slug: str | None = None,
    description: str | None = None,
) -> Organization:
    """Change what is given. The slug stays as it is when the name changes: URLs may use it."""
    if name is not None:
        organization.name = name
    if description is not None:
        organization.description = description
    slug = _normalize_slug(slug)
    if slug is not None and slug != organization.slug:
        _save_with_slug(organization, slug=slug)
    else:
        organization.save(update_fields=["name", "description", "updated_at"])
    return organization


@transaction.atomic
def organization_delete(*, organization: Organization) -> None:
    """Delete the organization with its memberships and projects."""
    organization.delete()


def _normalize_slug(slug: str | None) -> str | None:
    # Slugs are compared as typed in URLs: one spelling per slug.
    return slug.strip().lower() if slug else None


def _save_with_slug(organization: Organization, *, slug: str | None) -> None:
    """Save with `slug`, or with a free slug derived from the name; never an IntegrityError.

    The unique index is the judge. A derived slug that a concurrent request took between the
    look-up and the insert is derived again, with a random suffix after the second miss.
    """
    for attempt in range(SLUG_ATTEMPTS):
        if slug is not None:
            if Organization.objects.filter(slug=slug).exclude(pk=organization.pk).exists():
                raise _taken("slug", SLUG_TAKEN)
            organization.slug = slug
        else:
            organization.slug = _free_slug(organization.name, random_suffix=attempt >= 2)
        try:
            with transaction.atomic():
                organization.save()
            return
        except IntegrityError:
            if slug is not None:
                raise _taken("slug", SLUG_TAKEN) from None
    raise Conflict("Could not find a free slug for this name; please give one")


def _taken(field: str, issue: str) -> Conflict:
    """A uniqueness clash: the value is well formed but another row holds it, so a 409 (not a
    400) that still names the field, for a client or a form to show it there."""
    return Conflict(issue, details={"field": field, "issue": issue})


def _free_slug(name: str, *, random_suffix: bool = False) -> str:
    base = slugify(name)[:SLUG_BASE_MAX_LENGTH].strip("-_") or SLUG_FALLBACK
    if random_suffix:
        return f"{base}-{secrets.token_hex(4)}"
    taken = set(Organization.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidates = itertools.chain([base], (f"{base}-{n}" for n in itertools.count(2)))
    return next(candidate for candidate in candidates if candidate not in taken)


# --- Memberships ----------------------------------------------------------------------------


@transaction.atomic
def membership_add(
    *, organization: Organization, user: User, role: str = Role.MEMBER, by: User | None
) -> Membership:
    """Add an existing user with `role`. `by` is the member acting (None: staff, in the admin).

    Admins add members and admins; only owners add owners. A user who is already a member
    is a 409 Conflict naming `email` (the field the API and the dashboard take the user by).
    """
    _check_role(role)
    _lock(organization)
    _authorize(organization=organization, by=by, target=None, current_role=None, new_role=role)
    already = _taken("email", ALREADY_MEMBER)
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise already
    try:
        with transaction.atomic():
            membership = Membership.objects.create(organization=organization, user=user, role=role)
    except IntegrityError:
        raise already from None
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: User | None) -> Membership:
    """Set a member's role. Granting or taking `owner` is for owners; the last owner stays."""
    _check_role(role)
    organization = _lock(membership.organization)
    membership = _reload(membership)
    if membership.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(membership)
    _authorize(
        organization=organization,
        by=by,
        target=membership.user,
        current_role=membership.role,
        new_role=role,
    )
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User | None) -> None:
    """Remove a member; `by` removing themselves is leaving. The last owner cannot go."""
    organization = _lock(membership.organization)
    membership = _reload(membership)
    if membership.role == Role.OWNER:
        _ensure_another_owner(membership)
    _authorize(
        organization=organization,
        by=by,
        target=membership.user,
        current_role=membership.role,
        new_role=None,
    )
    membership.delete()


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise Invalid("role", f"Must be one of: {', '.join(Role.values)}")


def _lock(organization: Organization) -> Organization:
    """Serialize membership changes of one organization (see the module's docstring)."""
    try:
        return Organization.objects.select_for_update(no_key=True).get(pk=organization.pk)
    except Organization.DoesNotExist:
        raise NotFound() from None


def _reload(membership: Membership) -> Membership:
    """The membership as it is now that the organization is locked (it may have gone)."""
    current = Membership.objects.select_related("user").filter(pk=membership.pk).first()
    if current is None:
        raise NotFound()
    return current


def ensure_an_owner_remains(roles: Iterable[str]) -> None:
    """The rule: an organization keeps at least one owner. `roles`: its members' roles after
    the change. Conflict otherwise. The admin's member inline asks it too, before saving."""
    if Role.OWNER not in set(roles):
        raise Conflict(LAST_OWNER)


def _ensure_another_owner(membership: Membership) -> None:
    # Checked before the caller's own authority: the conflict is what a caller racing
    # another owner needs to hear, and it tells a member nothing the members list does not.
    others = Membership.objects.filter(
        organization_id=membership.organization_id, role=Role.OWNER
    ).exclude(pk=membership.pk)
    ensure_an_owner_remains(others.values_list("role", flat=True)[:1])


def _authorize(
    *,
    organization: Organization,
    by: User | None,
    target: User | None,
    current_role: str | None,
    new_role: str | None,
) -> None:
    """Re-check the actor's role under the lock: it may have changed since the request began."""
    if by is None:
        return
    actor_role = (
        Membership.objects.filter(organization=organization, user=by)
        .values_list("role", flat=True)
        .first()
    )
    if actor_role is None:
        raise NotFound()
    allowed = permissions.may_change_membership(
        actor_role=actor_role,
        is_self=target is not None and target.pk == by.pk,
        current_role=current_role,
        new_role=new_role,
    )
    if not allowed:
        action = permissions.membership_change_action(current_role=current_role, new_role=new_role)
        if action == permissions.Action.MANAGE_OWNERS:
            raise PermissionDenied("Only owners may grant or remove the owner role")
        raise PermissionDenied(permissions.FORBIDDEN_MESSAGE)


# --- Accounts -------------------------------------------------------------------------------


@transaction.atomic
def organizations_release_user(*, user: User) -> None:
    """Prepare `user`'s organizations for the account's deletion (`DELETE /v1/users/me`).

    Refused (409, the organizations in `details`) while `user` is the only owner of an
    organization that has other members. Organizations where `user` is the only member are
    deleted; from the others the user's memberships go with the account.
    """
    organization_ids = list(
        Organization.objects.select_for_update(no_key=True)
        .filter(pk__in=organization_ids_for(user))
        .order_by("pk")  # one lock order for everyone: no deadlocks
        .values_list("pk", flat=True)
    )
    counts = (
        Membership.objects.filter(organization_id__in=organization_ids)
        .values("organization_id")
        .annotate(
            members=Count("pk"),
            owned=Count("pk", filter=Q(role=Role.OWNER, user=user)),
            other_owners=Count("pk", filter=Q(role=Role.OWNER) & ~Q(user=user)),
        )
    )
    alone, blocking = [], []
    for row in counts:
        if row["members"] == 1:
            alone.append(row["organization_id"])
        elif row["owned"] and not row["other_owners"]:
            blocking.append(row["organization_id"])
    if blocking:
        organizations = Organization.objects.filter(pk__in=blocking).order_by("name", "pk")
        raise Conflict(
            "You are the only owner of organizations that have other members; make another "
            "member an owner or delete those organizations first",
            details={
                "organizations": [
                    {"id": str(org.pk), "name": org.name, "slug": org.slug} for org in organizations
                ]
            },
        )
    # Their projects and memberships go with them, in one collector pass.
    Organization.objects.filter(pk__in=alone).delete()
