"""Data migration: the referentials and the three programmes of domain.md.

The data lives in contracts/programmes.py, which the tests and the demo command share.
"""

from django.db import migrations

from contracts.programmes import programmes_install


def install(apps, schema_editor):
    programmes_install(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ("contracts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
