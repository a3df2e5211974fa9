"""The admin app, on CloudBooks' own site (accounts.admin_site.AdminSite).

Alone in its module: Django picks an app's config from its module, and the site itself
imports models, which cannot be imported while the app registry is being filled.
"""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "accounts.admin_site.AdminSite"
