"""Organizations and their members, each with a role (docs/api.md, "Organization roles")."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """What a member may do is decided by `orgs.permissions`, from this role alone."""

    MEMBER = "member", "Member"
    ADMIN = "admin", "Admin"
    OWNER = "owner", "Owner"


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Unique, lowercase; derived from the name unless given.",
    )
    description = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["-created_at"], name="orgs_org_created_idx")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in an organization. The last owner cannot leave (`orgs.services`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Both foreign keys are served by the composite indexes below (the unique constraint
    # leads with `organization`, `orgs_member_user_idx` with `user`), so neither needs one
    # of its own.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        db_index=False,
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="orgs_membership_unique_user"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="orgs_membership_role_valid"
            ),
        ]
        indexes = [
            # "The organizations of user X" (every scoped query starts here), with the role.
            models.Index(fields=["user", "organization", "role"], name="orgs_member_user_idx"),
            # "The members of organization X", newest first: the members list's cursor order.
            models.Index(fields=["organization", "-created_at"], name="orgs_member_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organization_id} ({self.role})"
