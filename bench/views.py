"""The floor: what `GET /v1/users/me` would cost with nothing of ours but one query.

A plain Django view running the query the Bearer authentication runs (the active user by
primary key, with the plan), answering the same fields as a JsonResponse. No DRF, no
token, no rate-limit counter. Served twice: bare, by its own gunicorn with Django's
SecurityMiddleware and CommonMiddleware only (bench.settings_floor; `users/me ÷ bare
floor` is what the application costs on top of Django itself), and behind all our
middleware (bench.settings; the old floor, kept as a row without a target).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse

from accounts.models import User


def _timestamp(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def floor(request: HttpRequest, user_id) -> JsonResponse:
    # The same SELECT as the access-token lookup (accounts.tokens.user_for_access), written
    # the same way, without its revocation check.
    found = list(User.objects.select_related("plan").filter(pk=user_id, is_active=True)[:1])
    if not found:
        raise Http404
    user = found[0]
    return JsonResponse(
        {
            "id": str(user.pk),
            "email": user.email,
            "name": user.name,
            "plan": user.plan_id,
            "created_at": _timestamp(user.created_at),
            "updated_at": _timestamp(user.updated_at),
        }
    )
