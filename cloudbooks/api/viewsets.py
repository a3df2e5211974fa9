"""The shared bases every API view stands on."""

from __future__ import annotations

import uuid

from rest_framework import exceptions, mixins, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


class PublicAPIView(APIView):
    """An endpoint that takes no credentials (login, refresh): a stale header cannot block it.

    It still answers 401 with `WWW-Authenticate: Bearer` (DRF would turn a 401 into a 403
    for a view without authenticators).
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class BaseViewSet(viewsets.GenericViewSet):
    """Scoping and lookups for every resource viewset.

    Subclasses scope `get_queryset` to the caller, so an object outside it is a 404 and its
    existence never leaks. Ids are UUIDs: anything else in the path is a 404, not a 500.
    """

    def get_object(self):
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        try:
            uuid.UUID(str(lookup))
        except ValueError:
            raise exceptions.NotFound() from None
        return super().get_object()


class ModelViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    BaseViewSet,
):
    """List, create, retrieve, update (PATCH/PUT) and delete (204) on the shared base."""
