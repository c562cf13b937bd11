"""``evaluate REF... | --all [--as-of YYYY-MM-DD] [--json]``: evaluate now and store snapshots."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract
from french.output import agree, format_count
from funding.evaluations import contracts_evaluate, evaluation_summary_fr, evaluation_to_json


def _as_of(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"Date invalide pour --as-of : « {value} » (format attendu AAAA-MM-JJ)."
        ) from exc


class Command(BaseCommand):
    help = (
        "Évalue le bonus de l'année 3 des contrats (synchrone) et enregistre l'instantané ; "
        "la date par défaut est la plus proche d'aujourd'hui et de la fin du contrat."
    )

    def add_arguments(self, parser):
        parser.add_argument("references", nargs="*", metavar="REF", help="références de contrat")
        parser.add_argument("--all", action="store_true", help="évalue tous les contrats")
        parser.add_argument("--as-of", type=_as_of, help="date d'évaluation (AAAA-MM-JJ)")
        parser.add_argument(
            "--json", action="store_true", help="un objet JSON par ligne (interfaces.md)"
        )

    def handle(self, *args, **options):
        contracts = self._contracts(options["references"], options["all"])
        evaluations = contracts_evaluate(contracts=contracts, as_of=options["as_of"])
        as_json = options["json"]
        for evaluation in evaluations:
            if as_json:
                self.stdout.write(json.dumps(evaluation_to_json(evaluation), ensure_ascii=False))
            else:
                self.stdout.write(evaluation_summary_fr(evaluation))
        if not as_json and options["verbosity"] >= 1:
            new = sum(1 for e in evaluations if e.created)
            self.stdout.write(
                f"{format_count(len(evaluations), 'contrat')} {agree(len(evaluations), 'évalué')}, "
                f"{format_count(new, 'nouvel instantané', 'nouveaux instantanés')}."
            )

    def _contracts(self, references: list[str], all_contracts: bool) -> list[Contract]:
        if all_contracts and references:
            raise CommandError("Donnez des références ou --all, pas les deux.")
        if all_contracts:
            return list(Contract.objects.order_by("reference"))
        if not references:
            raise CommandError("Donnez au moins une référence de contrat, ou --all.")
        found = Contract.objects.in_bulk(references, field_name="reference")
        unknown = [ref for ref in references if ref not in found]
        if unknown:
            raise CommandError(f"Contrat inconnu : {', '.join(unknown)}.")
        return [found[ref] for ref in dict.fromkeys(references)]
