"""``render_fiche REF [-o FILE]``: render a published fiche's PDF now, store it, optionally copy."""

import shutil

from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract
from cotri.public.pdf import FicheRenderError, contract_render_fiche_pdf


class Command(BaseCommand):
    help = "Produit la fiche territoriale PDF d'un contrat publié (ou de tous avec --all)."

    def add_arguments(self, parser):
        parser.add_argument("references", nargs="*", metavar="REF", help="référence du contrat")
        parser.add_argument("--all", action="store_true", help="toutes les fiches publiées")
        parser.add_argument("-o", "--output", help="copie du PDF à écrire (une seule référence)")
        parser.add_argument(
            "--force", action="store_true", help="refaire le PDF même sans changement"
        )

    def handle(self, *args, references, all, output, force, **options):
        contracts = Contract.objects.published().select_related(
            "programme__referential", "territory"
        )
        if all:
            chosen = list(contracts)
        else:
            if not references:
                raise CommandError("Indiquez une référence de contrat ou --all.")
            found = {c.reference: c for c in contracts.filter(reference__in=references)}
            missing = [ref for ref in references if ref not in found]
            if missing:
                raise CommandError(
                    "Aucune fiche publiée pour : " + ", ".join(missing) + " (contrat inconnu, "
                    "non publié ou brouillon)."
                )
            chosen = [found[ref] for ref in references]
        if output and len(chosen) != 1:
            raise CommandError("-o ne s'utilise qu'avec une seule référence.")
        for contract in chosen:
            try:
                path = contract_render_fiche_pdf(contract=contract, force=force)
            except FicheRenderError as error:
                raise CommandError(f"{contract.reference} : {error}") from error
            if output:
                shutil.copyfile(path, output)
                path = output
            self.stdout.write(f"{contract.reference} : {path}")
