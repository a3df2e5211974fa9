"""CloudBooks' admin site: the dashboard's sign-in path, then a second factor for staff.

The password step calls the same service and limits as the dashboard's /login (per client IP
for every attempt, `services.user_authenticate` for the failures per account), so a change
to those limits applies here too, and a refusal is a 429 on the form.

With ADMIN_REQUIRE_2FA, a signed-in staff member reaches no admin page until this session
has passed a TOTP code (django-otp's `request.user.is_verified()`). Someone with no
confirmed device is sent to enrol one first: a QR code drawn on the server, the secret as
text, and a code to confirm it. Wrong codes count as failed sign-ins of that account.
"""

from __future__ import annotations

import base64

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import User
from cloudbooks.pages import REFUSALS, refusal_message, refusal_status, with_retry_after
from cloudbooks.ratelimits import Reservation, client_network, login_limits

WRONG_CODE = "That code is not right. Enter the current 6-digit code from your app."


class AdminLoginForm(AdminAuthenticationForm):
    """Django's admin sign-in form, checked by the service the dashboard and API use."""

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            self.user_cache = services.user_authenticate(
                email=email, password=password, client_network=client_network(self.request)
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)  # active, and staff
        return self.cleaned_data


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="Code",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the 6 digits your app shows."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )


def _is_verified(user) -> bool:
    # Right after `login()` request.user is the bare user, before OTPMiddleware wrapped it:
    # a session that has just signed in has passed no second factor.
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def _has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _count_attempt(request: HttpRequest, user: User) -> Reservation:
    """An attempt at the second factor: counted like a password guess at /login.

    Every attempt counts per client network, and against the account's guess limits; the
    caller gives the guess back (`release`) when the code was right, or was no code at all.
    """
    network = client_network(request)
    login_limits().per_ip.hit(network)
    return services.user_second_factor_guess(user=user, client_network=network)


class AdminSite(admin.AdminSite):
    site_header = "CloudBooks staff"
    site_title = "CloudBooks staff"
    index_title = "Staff tools"
    login_form = AdminLoginForm
    login_template = "admin/cloudbooks/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not self.awaits_second_factor(request)

    def awaits_second_factor(self, request: HttpRequest) -> bool:
        """Staff who passed the password step of this session but not yet the second factor.

        Required of all staff with ADMIN_REQUIRE_2FA; without it, of those who enrolled a
        device anyway (a device once set up always guards its account).
        """
        user = request.user
        return (
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and not _is_verified(user)
            and (settings.ADMIN_REQUIRE_2FA or _has_device(user))
        )

    def get_urls(self):
        ours = [
            path("otp/", self.second_factor_view, name="otp_verify"),
            path("otp/enrol/", self.enrol_view, name="otp_enrol"),
        ]
        return ours + super().get_urls()  # before the admin's catch-all

    # --- Step 1: email and password ---------------------------------------------------------

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if self.awaits_second_factor(request):
            return self._to_second_factor(request, self._next_url(request))
        if request.method != "POST":
            return super().login(request, extra_context)
        try:
            # Every attempt from an address counts, even a malformed one (as on /login).
            login_limits().per_ip.hit(client_network(request))
            response = super().login(request, extra_context)
        except REFUSALS as exc:
            return self._refuse_login(request, exc, extra_context)
        if response.status_code != 302:
            return response
        # Signed in: on to `next` (the admin, not the dashboard, when there is none), through
        # the second factor first when that is required.
        next_url = self._next_url(request)
        if self.awaits_second_factor(request):
            return self._to_second_factor(request, next_url)
        return HttpResponseRedirect(next_url)

    def _refuse_login(self, request, exc, extra_context) -> HttpResponse:
        """The sign-in form again, empty, with the refusal on top: 429 (or 503)."""
        form = self.login_form(request, initial={"username": request.POST.get("username", "")})
        context = {
            **self.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            "form": form,
            REDIRECT_FIELD_NAME: self._next_url(request),
            "refusal": refusal_message(exc),
            **(extra_context or {}),
        }
        request.current_app = self.name
        response = TemplateResponse(
            request, self.login_template, context, status=refusal_status(exc)
        )
        return with_retry_after(response, exc)

    # --- Step 2: the TOTP code, or enrolling a device first ---------------------------------

    def _next_url(self, request: HttpRequest) -> str:
        """`next` if it is one of our own pages, else the admin's index."""
        candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
        return reverse("admin:index", current_app=self.name)

    def _to_second_factor(self, request: HttpRequest, next_url: str) -> HttpResponseRedirect:
        view = "admin:otp_verify" if _has_device(request.user) else "admin:otp_enrol"
        query = urlencode({REDIRECT_FIELD_NAME: next_url})
        return redirect(f"{reverse(view, current_app=self.name)}?{query}")

    def _step_context(self, request: HttpRequest, **context) -> dict:
        return {
            **self.each_context(request),
            "subtitle": None,
            "app_path": request.get_full_path(),
            REDIRECT_FIELD_NAME: self._next_url(request),
            **context,
        }

    def _render_step(self, request, template: str, context: dict, status: int = 200):
        request.current_app = self.name
        return TemplateResponse(request, template, context, status=status)

    def _refuse_step(self, request, template: str, context: dict, exc) -> HttpResponse:
        response = self._render_step(
            request, template, {**context, "refusal": refusal_message(exc)}, refusal_status(exc)
        )
        return with_retry_after(response, exc)

    def _leave_step(self, request: HttpRequest) -> HttpResponseRedirect:
        """Out of a second-factor page: on if this session is through, else to sign in."""
        return redirect(self._next_url(request) if self.has_permission(request) else "admin:login")

    @method_decorator(never_cache)
    @method_decorator(sensitive_post_parameters("token"))
    def second_factor_view(self, request: HttpRequest) -> HttpResponse:
        if not self.awaits_second_factor(request):
            return self._leave_step(request)
        user = request.user
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            return self._to_second_factor(request, self._next_url(request))
        form = TokenForm(request.POST or None)
        template = "admin/cloudbooks/second_factor.html"
        context = self._step_context(request, title="Two-factor authentication", form=form)
        if request.method == "POST":
            try:
                guess = _count_attempt(request, user)
                if not form.is_valid():
                    guess.release()  # not a code at all: no guess
                else:
                    token = form.cleaned_data["token"].strip()
                    # django-otp's own check: in a transaction, with the device's throttling,
                    # and a code is never accepted twice.
                    verified = django_otp.verify_token(user, device.persistent_id, token)
                    if verified is not None:
                        guess.release()
                        django_otp.login(request, verified)
                        return redirect(self._next_url(request))
                    form.add_error("token", WRONG_CODE)
            except REFUSALS as exc:
                return self._refuse_step(request, template, context, exc)
        return self._render_step(request, template, context)

    @method_decorator(never_cache)
    @method_decorator(sensitive_post_parameters("token"))
    def enrol_view(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # Staff may enrol before it is required too (ADMIN_REQUIRE_2FA off).
        if not (user.is_authenticated and user.is_active and user.is_staff) or _is_verified(user):
            return self._leave_step(request)
        if _has_device(user):
            # Enrolling is for a first device only; another one needs this one's code first.
            return self._to_second_factor(request, self._next_url(request))
        # The same pending device across reloads: an app that scanned it keeps working.
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        form = TokenForm(request.POST or None)
        template = "admin/cloudbooks/enrol.html"
        secret = base64.b32encode(device.bin_key).decode("ascii")
        context = self._step_context(
            request,
            title="Set up two-factor authentication",
            form=form,
            # segno writes plain SVG elements: no script, no style attribute, no external file.
            qr_svg=mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4)),  # noqa: S308
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        )
        if request.method == "POST":
            try:
                guess = _count_attempt(request, user)
                if not form.is_valid():
                    guess.release()  # not a code at all: no guess
                elif device.verify_token(form.cleaned_data["token"].strip()):
                    guess.release()
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    django_otp.login(request, device)
                    messages.success(request, "Two-factor authentication is set up.")
                    return redirect(self._next_url(request))
                else:
                    form.add_error("token", WRONG_CODE)
            except REFUSALS as exc:
                return self._refuse_step(request, template, context, exc)
        return self._render_step(request, template, context)
