"""Forms of the organization pages. They check shapes only; the rules are in the services."""

from __future__ import annotations

from django import forms

from accounts.models import User
from accounts.services import user_by_email
from cloudbooks.errors import Invalid
from cloudbooks.limits import max_length
from cloudbooks.pages import add_service_errors
from orgs.models import Organization, Role
from orgs.permissions import ROLE_DESCRIPTIONS


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=max_length(Organization, "name"))
    slug = forms.SlugField(
        max_length=max_length(Organization, "slug"),
        required=False,
        # The help and the error name what the validator accepts (Django's slug: letters,
        # digits, dashes, underscores); the service keeps slugs in lowercase.
        help_text=(
            "Letters, digits, dashes and underscores, kept in lowercase. "
            "Empty: derived from the name."
        ),
        error_messages={"invalid": "Use only letters, digits, dashes and underscores."},
    )
    description = forms.CharField(
        max_length=max_length(Organization, "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        max_length=max_length(User, "email"),
        help_text="Someone who already has a CloudBooks account.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.MEMBER,
        help_text=" ".join(
            f"{label}: {ROLE_DESCRIPTIONS[value]}." for value, label in Role.choices
        ),
    )

    def __init__(self, *args, roles: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if roles is not None:
            # Offer only the roles the person adding may grant. Validation still accepts every
            # role, so a forged one reaches the service, which answers 403.
            self.fields["role"].widget.choices = roles

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # The lookup the API makes too: which active user the email names.
        try:
            cleaned["user"] = user_by_email(cleaned["email"])
        except Invalid as exc:
            add_service_errors(self, exc)
        return cleaned


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
