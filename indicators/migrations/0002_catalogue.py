from django.db import migrations


def install(apps, schema_editor):
    from indicators.catalogue import catalogue_install

    catalogue_install(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
