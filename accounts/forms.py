"""Forms of the account pages. They check shapes only; the rules are in accounts.services."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from accounts.models import ApiKey, ApiKeyScope, User
from cloudbooks.limits import max_length


class SignupForm(forms.Form):
    name = forms.CharField(
        max_length=max_length(User, "name"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        max_length=max_length(User, "email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        strip=False,
        help_text="At least 8 characters; not a common password, nor all digits.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        # The service checks the password (with the address, at once), but it is asked only
        # when the form is valid: when another field is wrong, the password is checked here,
        # or a bad email would hide the password's problems until a second round.
        password = cleaned.get("password")
        if password and self.errors:
            email = cleaned.get("email") or self.data.get("email", "")
            try:
                password_validation.validate_password(
                    password, User(email=email, name=cleaned.get("name", ""))
                )
            except ValidationError as exc:
                for message in exc.messages:
                    self.add_error("password", message)
        return cleaned


class LoginForm(forms.Form):
    email = forms.EmailField(
        max_length=max_length(User, "email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ProfileForm(forms.Form):
    name = forms.CharField(
        max_length=max_length(User, "name"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        max_length=max_length(User, "email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordForm(forms.Form):
    current_password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        strip=False,
        help_text="At least 8 characters; not a common password, nor all digits.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        help_text="To confirm that it is you.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    # The password itself is checked by the view through services.user_check_password,
    # under the password-guess limits.


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=max_length(ApiKey, "name"),
        help_text="What the key is for, to tell your keys apart.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        choices=ApiKeyScope.choices,
        initial=ApiKeyScope.READ_WRITE,
        help_text="A read-only key is refused on every request that changes something.",
    )
    expires_on = forms.DateField(
        label="Expires on (optional)",
        required=False,
        help_text="The key works through the end of this day (UTC). Empty: never expires.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_expires_on(self) -> date | None:
        expires_on = self.cleaned_data["expires_on"]
        if expires_on is not None and expires_on < datetime.now(UTC).date():
            raise forms.ValidationError("Pick today or a later day.")
        return expires_on

    @property
    def expires_at(self) -> datetime | None:
        """The end of the chosen day in UTC: the first moment the key is refused."""
        expires_on = self.cleaned_data.get("expires_on")
        if expires_on is None:
            return None
        return datetime.combine(expires_on + timedelta(days=1), time.min, tzinfo=UTC)
