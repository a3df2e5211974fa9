from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        _hide_token_blacklist_admin()


def _hide_token_blacklist_admin() -> None:
    """Keep SimpleJWT's token tables out of the admin.

    Its pages list every login's refresh token of every user; nothing there is a tool for
    staff (a login is ended by the user or a password change). Importing its admin module
    first makes this independent of the order the admin discovers the apps in.
    """
    from django.contrib import admin
    from rest_framework_simplejwt.token_blacklist import admin as token_blacklist_admin
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    del token_blacklist_admin  # imported for its registrations, undone here
    for model in (OutstandingToken, BlacklistedToken):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
