"""The shared bases every API view stands on."""

from __future__ import annotations

import uuid

from rest_framework import exceptions, mixins, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from cloudbooks.api import idempotency


class ApiViewMixin:
    """The request path every API view shares (STYLE): authentication → throttle → permission.

    DRF checks permissions before throttles; we throttle first so that a request refused for
    its role or key scope still spends budget and still carries its rate-limit headers.
    The throttle leaves its state on the request; `finalize_response` turns it into headers
    on whatever the response is: a success, an error or the 429 itself.

    A view that must work whatever the budget (logout: ending a login is never refused)
    declares `plan_budget_exempt = True`; the plan throttle still counts it and its headers
    are still sent, but it does not refuse it.
    """

    plan_budget_exempt: bool = False

    # The Idempotency-Key of this request, once it holds one (cloudbooks/api/idempotency.py).
    _idempotency_claim: idempotency.Claim | None = None

    def initial(self, request, *args, **kwargs) -> None:
        # The body's bytes are fingerprinted, so they are read before anything (a parser, a
        # permission) reads the stream; DRF then parses the kept copy.
        fingerprint = (
            idempotency.request_fingerprint(request._request)
            if idempotency.applies_to(request)
            else None
        )
        super().initial(request, *args, **kwargs)
        if fingerprint is None:
            return
        # After authentication (keys are per user), the throttle (a replay spends budget
        # like any request) and the permissions (a refused request holds no key).
        key = idempotency.key_of(request._request)
        user = request.user
        if user is None or not user.is_authenticated:
            return  # login, refresh: never replayed (see the module)
        outcome = idempotency.claim(user_id=user.pk, key=key, fingerprint=fingerprint)
        if isinstance(outcome, idempotency.Claim):
            self._idempotency_claim = outcome
        else:
            raise idempotency.Replay(outcome)

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return exc.response
        return super().handle_exception(exc)

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            # Normally `finalize_response` has saved the answer; if something escaped
            # before it could, the key must not stay taken.
            if self._idempotency_claim is not None:
                idempotency.release(self._idempotency_claim)
                self._idempotency_claim = None

    def check_permissions(self, request) -> None:
        super().check_throttles(request)
        super().check_permissions(request)

    def check_throttles(self, request) -> None:
        # Already done in check_permissions, which DRF calls first.
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        state = getattr(request._request, "rate_limit", None)
        if state is not None:
            for header, value in state.headers().items():
                response[header] = value
        if self._idempotency_claim is not None:
            idempotency.finish(self._idempotency_claim, response)
            self._idempotency_claim = None
        return response


class BaseAPIView(ApiViewMixin, APIView):
    """A plain API endpoint on the shared request path."""


class PublicAPIView(BaseAPIView):
    """An endpoint that takes no credentials (login, refresh): a stale header cannot block it.

    It still answers 401 with `WWW-Authenticate: Bearer` (DRF would turn a 401 into a 403
    for a view without authenticators).
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class BaseViewSet(ApiViewMixin, viewsets.GenericViewSet):
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
