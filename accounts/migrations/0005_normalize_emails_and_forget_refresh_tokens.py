"""Store every address in its normal form, and no refresh token in clear.

- Addresses: logins now look up the normal form exactly (accounts.emails). A stored address
  that has no normal form, or whose normal form another account already has, is left as
  it is (that account cannot sign in by its address until staff fix it).
- Refresh tokens: SimpleJWT's OutstandingToken kept the whole token; only its `jti` is
  needed to revoke it, so the tokens are blanked.
"""

from __future__ import annotations

from django.db import migrations

from accounts.emails import UnsafeEmail, normalize_email


def normalize_stored_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for pk, email in User.objects.values_list("pk", "email").iterator():
        try:
            normal = normalize_email(email)
        except UnsafeEmail:
            continue
        if normal == email or User.objects.filter(email__iexact=normal).exclude(pk=pk).exists():
            continue
        User.objects.filter(pk=pk).update(email=normal)


def forget_refresh_tokens(apps, schema_editor):
    OutstandingToken = apps.get_model("token_blacklist", "OutstandingToken")
    OutstandingToken.objects.exclude(token="").update(token="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_token_family_end_reason"),
        ("token_blacklist", "0013_alter_blacklistedtoken_options_and_more"),
    ]

    operations = [
        migrations.RunPython(normalize_stored_emails, migrations.RunPython.noop),
        migrations.RunPython(forget_refresh_tokens, migrations.RunPython.noop),
    ]
