"""Account pages of the dashboard: sign-up, sign-in, usage, API keys and profile (README).

Small functions: check access, call the service the API calls too, render a template. Limits
and rules raise the API's exceptions; `cloudbooks.pages` turns them into form errors and
friendly pages with the same status codes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import charts, services
from accounts.emails import UnsafeEmail, normalize_email
from accounts.forms import (
    ApiKeyForm,
    DeleteAccountForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    SignupForm,
)
from accounts.models import ApiKey, Plan, User
from cloudbooks.api.throttling import WINDOW_SECONDS, usage_and_refusals
from cloudbooks.errors import Conflict, Invalid
from cloudbooks.http import no_store
from cloudbooks.pages import REFUSALS, add_service_errors, render_refusal
from cloudbooks.ratelimits import client_network, login_limits, signup_limits

logger = logging.getLogger(__name__)

# The limits and a down cache (fail closed) both refuse with an API exception.
INVALID_CREDENTIALS = "Invalid email or password."


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return redirect(static("img/favicon.svg"), permanent=True)


# --- Sign-up, sign-in, sign-out -------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: `next` if it is one of our own pages, else the dashboard."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignupForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        per_ip, per_email = signup_limits()
        try:
            per_ip.hit(client_network(request))
            if form.is_valid():
                # Keyed like storage and lookup; an unsafe address is refused by the service.
                email = form.cleaned_data["email"]
                try:
                    email_key = normalize_email(email)
                except UnsafeEmail:
                    email_key = email.lower()
                per_email.hit(email_key)
                user = services.user_signup(**form.cleaned_data)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, "Welcome to CloudBooks! Your account is ready.")
                return redirect("dashboard")
        except Invalid as exc:
            add_service_errors(form, exc)
        except REFUSALS as exc:
            return render_refusal(request, "accounts/signup.html", context, exc)
    return render(request, "accounts/signup.html", context)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    context = {"form": form, "next": _next_url(request)}
    if request.method == "POST":
        network = client_network(request)
        try:
            # Every attempt from an address counts, even a malformed one (as on the API).
            login_limits().per_ip.hit(network)
            if form.is_valid():
                user = services.user_authenticate(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    client_network=network,
                )
                if user is not None:
                    login(request, user)
                    messages.success(request, f"Signed in as {user.email}.")
                    return redirect(_next_url(request))
                form.add_error(None, INVALID_CREDENTIALS)
        except Invalid as exc:
            add_service_errors(form, exc)
        except REFUSALS as exc:
            return render_refusal(request, "accounts/login.html", context, exc)
    return render(request, "accounts/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("home")


# --- Dashboard: plan and usage --------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    plan: Plan
    used: int  # served this hour: refused requests are not usage
    refused: int  # refused this hour for the plan's limit (429)
    resets_at: datetime
    chart: charts.BarChart

    @property
    def limit(self) -> int | None:
        return self.plan.requests_per_hour

    @property
    def percent(self) -> int:
        if not self.limit:
            return 0
        return min(100, round(100 * self.used / self.limit))

    @property
    def percent_label(self) -> str:
        # A few requests of a large budget are not "0%".
        return "<1%" if self.used and not self.percent else f"{self.percent}%"

    @property
    def warning_level(self) -> int | None:
        """From here on the meter turns amber: 80% of the limit."""
        return None if self.limit is None else round(self.limit * 0.8)

    @property
    def meter_high(self) -> int | None:
        """Above this the meter turns red: only a full budget (a value above `high` is the
        meter's worst region; `low` to `high` is amber)."""
        return None if self.limit is None else self.limit - 1

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)

    @property
    def refusing(self) -> bool:
        """Whether the next request this hour is refused: the whole budget is served."""
        return self.limit is not None and self.used >= self.limit


def _get_usage_for_user(user: User) -> Usage | None:
    """This hour's count and the last 24 hours, from the plan budget's own counters.

    None when the cache cannot be read: the page still shows the plan.
    """
    now = time.time()
    try:
        counts = usage_and_refusals(user.pk, now=now)
    except Exception as exc:
        logger.error("Usage unavailable for the dashboard: %s", exc.__class__.__name__)
        return None
    limit = user.plan.requests_per_hour
    # The counter counts every request before the limit is applied; what was refused is
    # counted apart. A request the budget never refuses (plan_budget_exempt) may still take
    # the count past the limit: what is shown as served stays within it.
    history = [
        (start, max(0, total - refused) if limit is None else max(0, min(total - refused, limit)))
        for start, total, refused in counts
    ]
    current_start, used = history[-1]
    return Usage(
        plan=user.plan,
        used=used,
        refused=counts[-1][2],
        resets_at=datetime.fromtimestamp(current_start + WINDOW_SECONDS, tz=UTC),
        chart=charts.hourly_bar_chart(history),
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "plan": user.plan,
        "usage": _get_usage_for_user(user),
        "active_keys": user.api_keys.active().count(),
    }
    return render(request, "accounts/dashboard.html", context)


# --- API keys -------------------------------------------------------------------------------


def _get_api_key_for_user(user: User, key_id) -> ApiKey:
    """One of the user's own keys; anyone else's is a 404, as if it did not exist."""
    return get_object_or_404(ApiKey, pk=key_id, owner=user)


# Where a key just created waits for the page that shows it (once) after the redirect.
CREATED_KEY_SESSION_KEY = "created_api_key"


@login_required
@require_http_methods(["GET", "POST"])
@no_store  # the page after creating a key shows its secret
def api_keys(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        api_key, raw = services.api_key_create(
            owner=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=form.expires_at,
        )
        messages.success(request, f"API key “{api_key.name}” created.")
        # Redirect after the POST, so that reloading the page cannot create a second key. The
        # key waits in the session (server-side, never a cookie or a message) for the next
        # page, which takes it out: only its digest is kept.
        request.session[CREATED_KEY_SESSION_KEY] = {"id": str(api_key.pk), "raw": raw}
        return redirect("api-keys")
    created = None
    pending = request.session.pop(CREATED_KEY_SESSION_KEY, None)
    if pending and request.method == "GET":
        api_key = request.user.api_keys.filter(pk=pending["id"]).first()
        if api_key is not None:
            created = {"api_key": api_key, "raw": pending["raw"]}
    context = {
        "form": form,
        "created": created,
        "keys": request.user.api_keys.order_by("-created_at"),
    }
    return render(request, "accounts/api_keys.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def api_key_revoke(request: HttpRequest, key_id) -> HttpResponse:
    api_key = _get_api_key_for_user(request.user, key_id)
    if request.method == "POST":
        if api_key.is_revoked:
            messages.info(request, f"API key “{api_key.name}” was already revoked.")
        else:
            services.api_key_revoke(api_key=api_key)
            messages.success(
                request, f"API key “{api_key.name}” revoked: it no longer works anywhere."
            )
        return redirect("api-keys")
    return render(request, "accounts/api_key_revoke.html", {"api_key": api_key})


# --- Profile --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Name and email, password, and deleting the account: three forms, one page.

    A hidden `form` field says which was sent; the others are shown unbound.
    """
    user = request.user
    sent = request.POST.get("form") if request.method == "POST" else None
    data = request.POST if sent else None
    profile_form = ProfileForm(
        data if sent == "profile" else None, initial={"name": user.name, "email": user.email}
    )
    password_form = PasswordForm(data if sent == "password" else None)
    delete_form = DeleteAccountForm(data if sent == "delete" else None)
    context = {
        "profile_form": profile_form,
        "password_form": password_form,
        "delete_form": delete_form,
    }
    status = 200
    try:
        if sent == "profile" and profile_form.is_valid():
            services.user_update(user=user, **profile_form.cleaned_data)
            messages.success(request, "Your profile is saved.")
            return redirect("profile")
        if sent == "password" and password_form.is_valid():
            services.user_update(
                user=user,
                password=password_form.cleaned_data["new_password"],
                current_password=password_form.cleaned_data["current_password"],
                client_network=client_network(request),
            )
            # Changing the password ends other sessions (their auth hash no longer matches)
            # and, in the service, every API login; this session carries on.
            update_session_auth_hash(request, user)
            messages.success(request, "Your password is changed.")
            return redirect("profile")
        if sent == "delete" and delete_form.is_valid():
            if not services.user_check_password(
                user=user,
                password=delete_form.cleaned_data["password"],
                client_network=client_network(request),
            ):
                delete_form.add_error("password", "That is not your current password.")
                return render(request, "accounts/profile.html", context)
            services.user_delete(user=user)
            logout(request)
            messages.success(request, "Your account is deleted, with its API keys. Goodbye!")
            return redirect("home")
    except Invalid as exc:
        user.refresh_from_db()  # the service may have set fields before refusing
        add_service_errors(profile_form if sent == "profile" else password_form, exc)
    except Conflict as exc:
        context["delete_conflict"] = exc.details.get("organizations", [])
        status = 409
    except REFUSALS as exc:  # too many wrong current passwords (the login limits)
        user.refresh_from_db()
        return render_refusal(request, "accounts/profile.html", context, exc)
    return render(request, "accounts/profile.html", context, status=status)
