"""Void the one-time links that "add member" used to show to the inviting admin.

Before invitations, adding an unknown address made an account without a usable
password and showed the admin a password-reset link for it, valid for days. Such
a link is a Django reset token, and a token no longer matches once the account's
password hash changes: giving every account that still has no usable password a
new unusable one voids them all. Nobody can sign in with an unusable password, so
nothing else changes; the owners reset their password by email as anyone can.
"""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import migrations


def void_links(apps, schema_editor):
    User = apps.get_model("alignment", "User")
    for user in User.objects.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX).only("pk"):
        User.objects.filter(pk=user.pk).update(password=make_password(None))


class Migration(migrations.Migration):
    dependencies = [
        ("alignment", "0010_participant_role_from_membership"),
    ]

    operations = [migrations.RunPython(void_links, migrations.RunPython.noop)]
