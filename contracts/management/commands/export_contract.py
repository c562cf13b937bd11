"""``export_contract REF [-o FILE]``: write a contract document (UTF-8 JSON)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract
from exchange.documents import contract_document_export


class Command(BaseCommand):
    help = (
        "Écrit le document de contrat (JSON) d'un contrat ; import_contract le relit "
        "et redonne le même contrat."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", metavar="REF", help="référence du contrat")
        parser.add_argument(
            "-o", "--output", metavar="FICHIER", help="fichier à écrire (par défaut : la sortie)"
        )

    def handle(self, *args, reference, output=None, **options):
        contract = Contract.objects.filter(reference=reference).first()
        if contract is None:
            raise CommandError(f"Contrat inconnu : « {reference} ».")
        document = contract_document_export(contract=contract)
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"{reference} : document écrit dans {output}")
        else:
            self.stdout.write(text, ending="")
