"""Staff tools: users, plans and API keys."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count
from django.template.response import TemplateResponse

from accounts import services
from accounts.models import ApiKey, Plan, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name", "plan")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"email": forms.EmailField}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ("-created_at",)
    list_display = ("email", "name", "plan", "is_active", "is_staff", "created_at")
    list_filter = ("plan", "is_active", "is_staff", "is_superuser")
    list_select_related = ("plan",)
    search_fields = ("email", "name")
    readonly_fields = ("id", "created_at", "updated_at", "last_login")
    fieldsets = (
        (None, {"fields": ("id", "email", "password")}),
        ("Profile", {"fields": ("name", "plan")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "name", "plan", "password1", "password2")},
        ),
    )
    filter_horizontal = ("groups",)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "requests_per_hour", "user_count")
    search_fields = ("slug", "name")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_user_count=Count("users"))

    def get_readonly_fields(self, request, obj=None):
        # The slug is the primary key: editing it would create a new plan, not rename this one.
        return ("slug",) if obj else ()

    @admin.display(description="Users", ordering="_user_count")
    def user_count(self, plan: Plan) -> int:
        return plan._user_count


class ApiKeyStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("revoked", "Revoked"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        from django.utils import timezone

        if self.value() == "active":
            return queryset.active()
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=timezone.now())
        return queryset


class ApiKeyCreationForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("owner", "name", "scope", "expires_at")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Staff create keys for any user (shown once, after saving), search and revoke them.

    The digest is never displayed; the key itself is never stored.
    """

    list_display = (
        "name",
        "owner",
        "prefix_display",
        "scope",
        "created_at",
        "last_used_at",
        "expires_at",
        "status",
    )
    list_filter = (ApiKeyStatusFilter, "scope")
    list_select_related = ("owner",)
    search_fields = ("owner__email", "prefix", "name")
    autocomplete_fields = ("owner",)
    readonly_fields = (
        "id",
        "prefix_display",
        "created_at",
        "last_used_at",
        "revoked_at",
        "status",
    )
    fields = (
        "id",
        "owner",
        "name",
        "prefix_display",
        "scope",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "status",
    )
    actions = ["revoke_keys"]
    ordering = ("-created_at",)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyCreationForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ("owner", "name", "scope", "expires_at") if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    @admin.display(description="Prefix", ordering="prefix")
    def prefix_display(self, api_key: ApiKey) -> str:
        return f"{api_key.prefix}…"

    @admin.display(description="Status")
    def status(self, api_key: ApiKey) -> str:
        return api_key.status

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        api_key, raw = services.api_key_create(
            owner=obj.owner, name=obj.name, scope=obj.scope, expires_at=obj.expires_at
        )
        # The admin carries on with `obj` (its history entry, the page below): make it the row
        # that was created, or the history would point at an id that does not exist.
        for field in api_key._meta.concrete_fields:
            setattr(obj, field.attname, getattr(api_key, field.attname))
        obj._state.adding, obj._state.db = False, api_key._state.db
        request._created_api_key = raw  # shown by response_add below, then gone

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "_created_api_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "api_key": obj,
            "raw_key": raw,
            "title": "API key created",
        }
        response = TemplateResponse(request, "admin/accounts/apikey/created.html", context)
        # The one page that ever shows the key: keep it out of every cache.
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke selected API keys")
    def revoke_keys(self, request, queryset):
        revoked = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            services.api_key_revoke(api_key=api_key)
            revoked += 1
        self.message_user(request, f"Revoked {revoked} API key(s).")
