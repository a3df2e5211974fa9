"""Shapes of /v1/projects. Rules live in projects.services."""

from __future__ import annotations

from rest_framework import serializers

from cloudbooks.api import fields
from orgs.services import organizations_for
from projects.models import Project

NOT_YOUR_ORGANIZATION = "Must be the id of an organization you belong to"


class CallerOrganizationField(serializers.PrimaryKeyRelatedField):
    """An organization id, accepted only if the caller belongs to it.

    A malformed id, an unknown one and one of somebody else's organization are all a 400 on
    this field; the last two give the same answer, which does not say whether it exists.
    """

    default_error_messages = {"does_not_exist": NOT_YOUR_ORGANIZATION}

    def __init__(self, **kwargs):
        kwargs.setdefault("pk_field", serializers.UUIDField())
        super().__init__(**kwargs)

    def get_queryset(self):
        return organizations_for(self.context["request"].user)


class ProjectSerializer(fields.ModelSerializer):
    organization = CallerOrganizationField(
        help_text="The organization the project belongs to; yours, and fixed once created."
    )
    # Null once the creator has deleted their account (the foreign key is SET_NULL), so the
    # schema says nullable: clients must not assume an id is always there.
    created_by = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The id of the user who created the project; null once they have left.",
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "organization",
            "name",
            "description",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_by", "created_at", "updated_at"]
