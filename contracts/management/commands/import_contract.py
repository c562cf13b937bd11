"""``import_contract FILE... [--as USERNAME]``: create or update contracts from contract documents.

All files or none: on any error, every problem is printed on stderr (one line each, naming the
file and the JSON path), nothing is saved and the exit status is 1.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract
from exchange.documents import (
    ContractDocumentError,
    contract_document_load,
    contract_documents_check,
    contract_documents_import,
)
from funding.models import Tranche
from indicators.models import Indicator


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number < 2 else plural}"


class Command(BaseCommand):
    help = (
        "Crée ou met à jour des contrats à partir de documents de contrat JSON. "
        "Tous les fichiers ou aucun : à la moindre erreur, rien n'est enregistré."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FICHIER", help="documents de contrat")
        parser.add_argument(
            "--as",
            dest="username",
            metavar="IDENTIFIANT",
            help="utilisateur au nom duquel l'import est fait (historique)",
        )

    def handle(self, *args, files, username=None, **options):
        by = None
        if username:
            by = get_user_model().objects.filter(username=username).first()
            if by is None:
                raise CommandError(f"Utilisateur inconnu : « {username} ».")

        documents = []
        errors: list[str] = []
        for file in files:
            path = Path(file)
            try:
                text = path.read_text(encoding="utf-8-sig")
                documents.append((path.name, contract_document_load(name=path.name, text=text)))
            except OSError as exc:
                errors.append(f"{path.name}: fichier illisible ({exc.strerror})")
            except UnicodeDecodeError:
                errors.append(f"{path.name}: le fichier n'est pas encodé en UTF-8")
            except ContractDocumentError as exc:
                errors.extend(exc.errors)
        if errors:
            # Still report what is wrong in the readable files, without saving anything.
            self._fail(errors + contract_documents_check(documents=documents))

        references = [document["reference"] for _, document in documents]
        existing = set(
            Contract.objects.filter(reference__in=references).values_list("reference", flat=True)
        )
        try:
            contracts = contract_documents_import(documents=documents, by=by)
        except ContractDocumentError as exc:
            self._fail(exc.errors)

        for contract in contracts:
            verb = "mis à jour" if contract.reference in existing else "créé"
            objectives = contract.objectives.count()
            indicators = Indicator.objects.filter(objective__contract=contract).count()
            tranches = Tranche.objects.filter(contract=contract).count()
            self.stdout.write(
                f"{contract.reference} : {verb} ("
                f"{_count(objectives, 'objectif', 'objectifs')}, "
                f"{_count(indicators, 'indicateur', 'indicateurs')}, "
                f"{_count(tranches, 'tranche', 'tranches')})"
            )

    def _fail(self, errors: list[str]) -> None:
        for line in errors:
            self.stderr.write(line)
        sys.exit(1)
