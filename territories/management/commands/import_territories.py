"""`import_territories [--source DIR] [--region 32]`: load the Etalab découpage administratif."""

import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from french.output import format_number
from territories.etalab.importer import import_etalab
from territories.etalab.reader import EtalabError, read_folder, select_region

DEFAULT_SOURCE = Path(settings.BASE_DIR) / "fixtures" / "territories"


class Command(BaseCommand):
    help = (
        "Charge régions, départements, EPCI (avec leurs communes membres) et communes depuis un"
        " dossier Etalab « découpage administratif » ; par défaut, l'extrait Hauts-de-France"
        " livré dans fixtures/territories/. Peut être relancé : met à jour sans dupliquer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=Path,
            default=DEFAULT_SOURCE,
            help="dossier Etalab (racine du paquet ou son dossier data/) ; défaut : %(default)s",
        )
        parser.add_argument(
            "--region",
            help="code INSEE de la région à charger (par ex. 32) ; défaut : toute la source",
        )

    def handle(self, *args, source: Path, region: str | None, **options):
        started = time.perf_counter()
        try:
            data = read_folder(source)
            if region:
                data = select_region(data, region)
            report = import_etalab(data=data)
        except EtalabError as exc:
            raise CommandError(f"Import des territoires impossible : {exc}") from exc
        elapsed = time.perf_counter() - started
        if data.version_assumed:
            self.stderr.write(
                f"Version du paquet Etalab non indiquée (pas de package.json) : millésimes de"
                f" population de la version {data.version} retenus."
            )
        with translation.override("fr"):
            self.stdout.write(
                f"{_n(report.regions, 'région')}, {_n(report.departements, 'département')},"
                f" {_n(report.epcis, 'EPCI', 'EPCI')}, {_n(report.communes, 'commune')} importés"
                f" ({_fr(report.created)} créés, {_fr(report.updated)} mis à jour,"
                f" {_fr(report.unchanged)} inchangés) en"
                f" {format_number(Decimal(str(round(elapsed, 1))))} s."
            )
            self.stdout.write(
                f"Adhésions aux EPCI : {_fr(report.memberships_added)} ajoutées,"
                f" {_fr(report.memberships_removed)} retirées ; population recalculée pour"
                f" {_n(report.groupements_refreshed, 'groupement')}."
            )
            self.stdout.write(
                f"Source : {report.source} (populations municipales {report.population_vintage})."
            )


def _fr(number: int) -> str:
    return format_number(number)


def _n(number: int, singular: str, plural: str | None = None) -> str:
    word = singular if number <= 1 else (plural or f"{singular}s")
    return f"{_fr(number)} {word}"
