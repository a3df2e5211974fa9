"""Shapes of /v1/organizations and their members. Rules live in orgs.services."""

from __future__ import annotations

from rest_framework import serializers

from accounts.api.serializers import EmailField, PublicUserSerializer
from accounts.models import User
from accounts.services import user_by_email
from cloudbooks.api import fields
from cloudbooks.errors import Invalid
from orgs.models import Membership, Organization, Role


class OrganizationSerializer(fields.ModelSerializer):
    # Declared, so ModelSerializer adds no UniqueValidator: the service decides (race-safe).
    slug = fields.SlugField(
        max_length=Organization._meta.get_field("slug").max_length,
        required=False,
        help_text="Unique, lowercase; derived from the name unless given.",
    )
    role = serializers.ChoiceField(
        source="caller_role",
        choices=Role.choices,
        read_only=True,
        help_text="Your role in this organization.",
    )

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "description", "role", "created_at", "updated_at"]
        read_only_fields = ["id", "role", "created_at", "updated_at"]


class MembershipSerializer(serializers.ModelSerializer):
    user = PublicUserSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "role", "created_at", "updated_at"]
        read_only_fields = fields


class MembershipCreateSerializer(serializers.Serializer):
    """`POST /v1/organizations/{id}/members`: an existing user, by email, with a role."""

    email = EmailField(
        max_length=User._meta.get_field("email").max_length,
        help_text="The email of an existing CloudBooks user.",
    )
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)

    def validate_email(self, value: str) -> User:
        try:
            return user_by_email(value)
        except Invalid as exc:
            # Its own code: the email is well formed, so the envelope must not call it a
            # format error (see cloudbooks.api.exceptions._validation_message).
            raise serializers.ValidationError(exc.issue, code="unknown_user") from None


class MembershipUpdateSerializer(serializers.Serializer):
    """`PATCH /v1/organizations/{id}/members/{user_id}`: the new role."""

    role = serializers.ChoiceField(choices=Role.choices)
