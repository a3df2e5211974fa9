"""Staff tools: organizations with their members (through orgs.services) and project counts."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from cloudbooks.adminutils import adopt_saved
from cloudbooks.errors import Conflict
from orgs import services
from orgs.models import Membership, Organization, Role


def _count_of(model: type[models.Model], field: str) -> Coalesce:
    """A correlated COUNT of `model` rows pointing at the organization: no join fan-out."""
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)


class OrganizationCreationForm(forms.ModelForm):
    """Adding an organization names its first owner, as `organization_create` needs one."""

    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True),
        widget=AutocompleteSelect(Membership._meta.get_field("user"), admin.site),
        help_text="Becomes the organization's first owner; add more members afterwards.",
    )

    class Meta:
        model = Organization
        fields = ("name", "slug", "description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = "Leave empty to derive it from the name."


class MembershipInlineForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "role")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A membership belongs to one user; to move it, remove it and add another.
            self.fields["user"].disabled = True


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            services.ensure_an_owner_remains(data.get("role") for data in kept)
        except Conflict as exc:
            raise ValidationError(exc.message) from None


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    formset = MembershipInlineFormSet
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    ordering = ("created_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "member_count", "project_count", "created_at")
    search_fields = ("name", "slug", "memberships__user__email")
    readonly_fields = ("id", "created_at", "updated_at")
    fields = ("id", "name", "slug", "description", "created_at", "updated_at")
    ordering = ("-created_at",)
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _member_count=_count_of(Membership, "organization"),
                # Through the reverse relation: `orgs` imports nothing of the projects app.
                _project_count=_count_of(
                    Organization._meta.get_field("projects").related_model, "organization"
                ),
            )
        )

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = OrganizationCreationForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ("name", "slug", "description", "owner") if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        # The first owner is named on the add form; the members are edited afterwards.
        return self.inlines if obj is not None else []

    @admin.display(description="Members", ordering="_member_count")
    def member_count(self, organization: Organization) -> int:
        return organization._member_count

    @admin.display(description="Projects", ordering="_project_count")
    def project_count(self, organization: Organization) -> int:
        return organization._project_count

    def save_model(self, request, obj, form, change):
        if change:
            services.organization_update(
                organization=obj, name=obj.name, slug=obj.slug, description=obj.description
            )
            return
        organization = services.organization_create(
            owner=form.cleaned_data["owner"],
            name=obj.name,
            slug=obj.slug or None,
            description=obj.description,
        )
        adopt_saved(obj, organization)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # Through the services, so that the rules of the API hold here too. The order keeps an
        # owner at every step: additions and promotions before demotions and removals.
        formset.save(commit=False)
        for membership in formset.new_objects:
            services.membership_add(
                organization=form.instance, user=membership.user, role=membership.role, by=None
            )
        changed = sorted(
            (membership for membership, _fields in formset.changed_objects),
            key=lambda membership: membership.role != Role.OWNER,
        )
        for membership in changed:
            services.membership_change_role(membership=membership, role=membership.role, by=None)
        for membership in formset.deleted_objects:
            services.membership_remove(membership=membership, by=None)

    def delete_model(self, request, obj):
        services.organization_delete(organization=obj)

    def delete_queryset(self, request, queryset):
        for organization in queryset:
            services.organization_delete(organization=organization)
