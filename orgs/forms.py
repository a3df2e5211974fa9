"""Forms of the organization pages. They check shapes only; the rules are in the services."""

from __future__ import annotations

from django import forms

from orgs.api.serializers import MembershipCreateSerializer
from orgs.models import Role
from orgs.permissions import ROLE_DESCRIPTIONS


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=100)
    slug = forms.SlugField(
        max_length=60,
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
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
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
        # The API's own reading of the body: which user the email names (active ones only).
        body = MembershipCreateSerializer(data={"email": cleaned["email"], "role": cleaned["role"]})
        if not body.is_valid():
            for field, issues in body.errors.items():
                for issue in issues:
                    self.add_error(field if field in self.fields else None, str(issue))
            return cleaned
        cleaned["user"] = body.validated_data["email"]
        return cleaned


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
