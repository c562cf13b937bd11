"""The shared catalogue of indicator definitions, summed across contracts on the regional overview.

Officers may add entries in the admin; these are installed by a data migration.
"""

CATALOGUE = (
    ("logements-renoves", "Logements rénovés", "logements"),
    ("km-amenagements-cyclables", "Aménagements cyclables réalisés", "km"),
    ("km-haies-plantees", "Haies plantées", "km"),
    ("ha-friches-requalifiees", "Friches requalifiées", "ha"),
    ("points-lumineux-renoves", "Points lumineux rénovés", "points lumineux"),
)


def catalogue_install(*, apps=None) -> None:
    """Create or update the catalogue entries (idempotent; ``apps`` from a migration)."""
    if apps is None:
        from indicators.models import IndicatorDefinition
    else:
        IndicatorDefinition = apps.get_model("indicators", "IndicatorDefinition")  # noqa: N806
    for code, label, unit in CATALOGUE:
        IndicatorDefinition.objects.update_or_create(
            code=code, defaults={"label": label, "unit": unit}
        )
