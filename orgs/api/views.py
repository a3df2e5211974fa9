"""/v1/organizations and /v1/organizations/{id}/members."""

from __future__ import annotations

import uuid

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from cloudbooks.api.schema import ErrorSerializer
from cloudbooks.api.viewsets import BaseViewSet, ModelViewSet
from orgs import services
from orgs.api import serializers
from orgs.api.permissions import MembershipPermission, OrganizationPermission
from orgs.models import Membership, Organization, Role

LAST_OWNER_409 = OpenApiResponse(
    ErrorSerializer, description="The organization would be left without an owner."
)
ORGANIZATION_ID = OpenApiParameter(
    "organization_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The organization."
)
USER_ID = OpenApiParameter(
    "user_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The member's user id."
)


@extend_schema(tags=["organizations"])
@extend_schema_view(
    list=extend_schema(summary="List the organizations you belong to"),
    create=extend_schema(
        summary="Create an organization (you become its owner)",
        responses={
            201: serializers.OrganizationSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="No free slug could be derived from the name; give a `slug`.",
            ),
        },
    ),
    retrieve=extend_schema(summary="Get an organization"),
    update=extend_schema(summary="Replace an organization (admins and owners)"),
    partial_update=extend_schema(summary="Update an organization (admins and owners)"),
    destroy=extend_schema(summary="Delete an organization and its projects (owners)"),
)
class OrganizationViewSet(ModelViewSet):
    serializer_class = serializers.OrganizationSerializer
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, OrganizationPermission]

    def get_queryset(self):
        return services.organizations_for(self.request.user)

    def perform_create(self, serializer) -> None:
        organization = services.organization_create(
            owner=self.request.user, **serializer.validated_data
        )
        organization.caller_role = Role.OWNER
        serializer.instance = organization

    def perform_update(self, serializer) -> None:
        serializer.instance = services.organization_update(
            organization=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: Organization) -> None:
        services.organization_delete(organization=instance)


@extend_schema(tags=["organizations"], parameters=[ORGANIZATION_ID])
@extend_schema_view(
    list=extend_schema(summary="List the members of an organization"),
    retrieve=extend_schema(summary="Get a member of an organization", parameters=[USER_ID]),
)
class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BaseViewSet):
    """Members are addressed by their user id: `/organizations/{id}/members/{user_id}`."""

    serializer_class = serializers.MembershipSerializer
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, MembershipPermission]
    lookup_field = "user"
    lookup_url_kwarg = "user_id"

    def get_organization(self) -> Organization:
        """The organization in the URL, with the caller's role; 404 for outsiders."""
        if not hasattr(self, "_organization"):
            try:
                organization_id = uuid.UUID(str(self.kwargs.get("organization_id")))
            except ValueError:
                raise exceptions.NotFound() from None
            self._organization = get_object_or_404(
                services.organizations_for(self.request.user), pk=organization_id
            )
        return self._organization

    def get_queryset(self):
        return Membership.objects.filter(organization=self.get_organization()).select_related(
            "user"
        )

    @extend_schema(
        summary="Add an existing user to an organization (admins and owners)",
        description="Admins add members and admins; only owners add owners.",
        request=serializers.MembershipCreateSerializer,
        responses={201: serializers.MembershipSerializer},
    )
    def create(self, request, *args, **kwargs) -> Response:
        body = serializers.MembershipCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = services.membership_add(
            organization=self.get_organization(),
            user=body.validated_data["email"],  # the user with that email (see the serializer)
            role=body.validated_data["role"],
            by=request.user,
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a member's role (admins and owners)",
        description=(
            "Admins set roles below owner; only owners grant or take away `owner`. "
            "Demoting the last owner is a 409."
        ),
        parameters=[USER_ID],
        request=serializers.MembershipUpdateSerializer,
        responses={200: serializers.MembershipSerializer, 409: LAST_OWNER_409},
    )
    def partial_update(self, request, *args, **kwargs) -> Response:
        membership = self.get_object()
        body = serializers.MembershipUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        if "role" in body.validated_data:
            membership = services.membership_change_role(
                membership=membership, role=body.validated_data["role"], by=request.user
            )
        return Response(self.get_serializer(membership).data)

    @extend_schema(
        summary="Remove a member, or leave (your own user id)",
        description=(
            "Admins remove members and admins, owners anyone; everyone may leave. "
            "The last owner cannot leave or be removed (409)."
        ),
        parameters=[USER_ID],
        responses={204: OpenApiResponse(description="Removed."), 409: LAST_OWNER_409},
    )
    def destroy(self, request, *args, **kwargs) -> Response:
        services.membership_remove(membership=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
