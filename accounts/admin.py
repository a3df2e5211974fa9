"""Staff tools: users, plans and API keys."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from accounts import keys, services
from accounts.models import ApiKey, Plan, User
from cloudbooks.adminutils import adopt_saved
from cloudbooks.errors import Conflict

# Where the admin keeps a key it has just created, for the one page that shows it.
CREATED_KEY_SESSION_KEY = "admin_created_api_key"


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
    """Staff look after accounts; only superusers grant rights or set others' passwords.

    Deleting goes through `services.user_delete`, as on the dashboard and the API: it refuses
    to leave an organization with members but no owner.
    """

    add_form = UserCreationForm
    form = UserEditForm
    ordering = ("-created_at",)
    list_display = ("email", "name", "plan", "is_active", "is_staff", "created_at")
    list_filter = ("plan", "is_active", "is_staff", "is_superuser")
    list_select_related = ("plan",)
    search_fields = ("email", "name")
    readonly_fields = ("id", "created_at", "updated_at", "last_login")
    # Who may do what: editable by superusers only, or staff with `change_user` could make
    # themselves superusers.
    permission_fields = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")
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
    actions = ["delete_selected"]

    @staticmethod
    def _may_set_password(request: HttpRequest, user: User | None) -> bool:
        return request.user.is_superuser or (user is not None and user.pk == request.user.pk)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not request.user.is_superuser:
            readonly = (*readonly, *self.permission_fields, "password_summary")
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self._may_set_password(request, obj):
            return fieldsets
        # Not the hash's summary with its "Reset password" button: a plain, read-only line.
        return tuple(
            (
                name,
                {
                    **options,
                    "fields": tuple(
                        "password_summary" if field == "password" else field
                        for field in options["fields"]
                    ),
                },
            )
            for name, options in fieldsets
        )

    @admin.display(description="Password")
    def password_summary(self, user: User) -> str:
        state = "Set" if user.has_usable_password() else "Not set"
        return f"{state}. Only a superuser can change another user's password."

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and not self._may_set_password(request, user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    # --- Deleting: through the service, one user at a time ----------------------------------

    def delete_model(self, request, obj: User) -> None:
        services.user_delete(user=obj)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            services.user_delete(user=user)

    @staticmethod
    def _refusal(user: User, exc: Conflict) -> str:
        organizations = ", ".join(
            f"“{organization['name']}”" for organization in exc.details.get("organizations", [])
        )
        return (
            f"{user.email} was not deleted: they are the only owner of {organizations}, "
            "which have other members. Make another member an owner, or delete those "
            "organizations, first."
        )

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except Conflict as exc:
            # The whole deletion (its history entry too) was rolled back with the refusal.
            user = self.get_object(request, unquote(object_id))
            self.message_user(request, self._refusal(user, exc), messages.ERROR)
            return redirect("admin:accounts_user_change", user.pk)

    @admin.action(permissions=["delete"], description="Delete selected users")
    def delete_selected(self, request, queryset):
        """Django's confirmation page, then `services.user_delete` for each user on its own.

        A refused user keeps everything; the others are deleted and recorded in the history.
        """
        if not request.POST.get("post"):
            return django_delete_selected(self, request, queryset)
        _, _, perms_needed, protected = self.get_deleted_objects(queryset, request)
        if perms_needed or protected:
            return django_delete_selected(self, request, queryset)
        deleted = 0
        for user in queryset.order_by("email"):
            try:
                with transaction.atomic():
                    self.log_deletions(request, User.objects.filter(pk=user.pk))
                    services.user_delete(user=user)
            except Conflict as exc:
                self.message_user(request, self._refusal(user, exc), messages.ERROR)
            else:
                deleted += 1
        if deleted:
            self.message_user(request, f"Deleted {deleted} user(s).", messages.SUCCESS)
        return None


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
    """Staff create keys for any user (shown once, after saving), find and revoke them.

    The digest is never displayed; the key itself is never stored. Whose key it is, what it
    may do and its prefix are fixed at creation: a key is revoked, never handed to someone
    else or deleted (its row stays, for the record).
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
    search_help_text = "Owner's email, key prefix, name, or paste a whole key to find it."
    autocomplete_fields = ("owner",)
    readonly_fields = (
        "id",
        "owner",
        "prefix_display",
        "scope",
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

    def has_delete_permission(self, request, obj=None) -> bool:
        # Revoke instead: a deleted key leaves no trace of who held it and when it was used.
        return False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if keys.is_well_formed(term):
            # A whole key, pasted: found by its digest, as authentication finds it. The key
            # is hashed here and goes no further (the access log never records a query).
            return queryset.filter(digest=keys.digest(term)), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="Prefix", ordering="prefix")
    def prefix_display(self, api_key: ApiKey) -> str:
        return f"{api_key.prefix}…"

    @admin.display(description="Status")
    def status(self, api_key: ApiKey) -> str:
        return api_key.status

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/created/",
                self.admin_site.admin_view(self.created_view),
                name="{}_{}_created".format(*info),
            ),
            path(
                "<path:object_id>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="{}_{}_revoke".format(*info),
            ),
            *super().get_urls(),
        ]

    # --- Creating: the key is shown once, on the page after the redirect --------------------

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        api_key, raw = services.api_key_create(
            owner=obj.owner, name=obj.name, scope=obj.scope, expires_at=obj.expires_at
        )
        adopt_saved(obj, api_key)
        request._created_api_key = raw  # handed to the next page by response_add below

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "_created_api_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        # Redirect after the POST, so that reloading the page cannot create a second key.
        # The key waits in this session for the one page that shows it, which removes it.
        request.session[CREATED_KEY_SESSION_KEY] = {"id": str(obj.pk), "raw": raw}
        return redirect(
            reverse(
                "admin:accounts_apikey_created", args=[obj.pk], current_app=self.admin_site.name
            )
        )

    def created_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        api_key = self.get_object(request, unquote(object_id))
        if api_key is None or not self.has_view_or_change_permission(request, api_key):
            raise PermissionDenied
        created = request.session.get(CREATED_KEY_SESSION_KEY)
        if not created or created.get("id") != str(api_key.pk):
            # Shown already (a reload, the back button): the key is gone for good.
            self.message_user(
                request,
                "A key is shown once only, right after it is created. Revoke it and create "
                "another if it was lost.",
                messages.WARNING,
            )
            return redirect("admin:accounts_apikey_change", api_key.pk)
        del request.session[CREATED_KEY_SESSION_KEY]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "api_key": api_key,
            "raw_key": created["raw"],
            "title": "API key created",
        }
        request.current_app = self.admin_site.name
        response = TemplateResponse(request, "admin/accounts/apikey/created.html", context)
        # The one page that ever shows the key: keep it out of every cache.
        response["Cache-Control"] = "no-store"
        return response

    # --- Revoking -----------------------------------------------------------------------------

    def revoke_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm, then revoke: the change page's Revoke, in place of Delete."""
        api_key = self.get_object(request, unquote(object_id))
        if api_key is None or not self.has_change_permission(request, api_key):
            raise PermissionDenied
        if request.method == "POST":
            if api_key.is_revoked:
                self.message_user(request, f"API key “{api_key.name}” was already revoked.")
            else:
                services.api_key_revoke(api_key=api_key)
                self.message_user(
                    request,
                    f"API key “{api_key.name}” revoked: it no longer works anywhere.",
                    messages.SUCCESS,
                )
            return redirect("admin:accounts_apikey_change", api_key.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "api_key": api_key,
            "object": api_key,
            "title": "Revoke this API key?",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/accounts/apikey/revoke.html", context)

    @admin.action(permissions=["change"], description="Revoke selected API keys")
    def revoke_keys(self, request, queryset):
        revoked = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            services.api_key_revoke(api_key=api_key)
            revoked += 1
        self.message_user(request, f"Revoked {revoked} API key(s).")
