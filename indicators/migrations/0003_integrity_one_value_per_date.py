"""One value per indicator and date (issue 16.2), after reporting any existing duplicate.

Which of two values for the same date is right is an officer's decision, not the migration's:
when duplicates exist, the migration stops and lists them (contract, objective, indicator, date,
the entries' ids, values and statuses); an officer deletes or re-dates the extra ones in the
admin, then the migration runs again.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count


def report_duplicates(apps, schema_editor):
    ProgressEntry = apps.get_model("indicators", "ProgressEntry")
    groups = (
        ProgressEntry.objects.values("indicator_id", "date")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("indicator_id", "date")
    )
    lines = []
    for group in groups:
        entries = ProgressEntry.objects.filter(
            indicator_id=group["indicator_id"], date=group["date"]
        ).select_related("indicator__objective__contract")
        first = entries[0]
        objective = first.indicator.objective
        described = ", ".join(
            f"n° {e.pk} ({e.value.normalize():f}, {e.status})" for e in entries.order_by("pk")
        )
        lines.append(
            f"- {objective.contract.reference} / {objective.code} / {first.indicator.code} "
            f"au {group['date']:%d/%m/%Y} : {described}"
        )
    if lines:
        raise RuntimeError(
            f"{len(lines)} indicateur(s) ont plusieurs valeurs à la même date ; une seule valeur "
            "par indicateur et par date est désormais permise. Supprimez ou redatez les saisies "
            "en trop dans l'administration (Saisies d'avancement), puis relancez la migration :\n"
            + "\n".join(lines)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_catalogue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(report_duplicates, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="progressentry",
            constraint=models.UniqueConstraint(
                fields=("indicator", "date"),
                name="entry_indicator_date_unique",
                violation_error_message="Une valeur existe déjà à cette date : modifiez-la.",
            ),
        ),
    ]
