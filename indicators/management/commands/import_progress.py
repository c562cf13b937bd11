from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from exchange.progress_import import ProgressImportError, import_rights, progress_import
from french.output import agree, format_count


class Command(BaseCommand):
    help = "Importe des saisies d'avancement (CSV ou XLSX) : toutes les lignes ou aucune."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV ou XLSX")
        parser.add_argument("--dry-run", action="store_true", help="vérifie sans enregistrer")
        parser.add_argument(
            "--as",
            dest="username",
            help="agit avec les droits de cet utilisateur (agent par défaut)",
        )

    def handle(self, *args, file, dry_run, username, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        user = None
        if username:
            try:
                user = get_user_model().objects.get(username=username)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Utilisateur inconnu : {username}") from None
        try:
            result = progress_import(
                content=path.read_bytes(),
                filename=path.name,
                by=user,
                dry_run=dry_run,
                **import_rights(user),
            )
        except ProgressImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise SystemExit(1) from None
        saved = result.created + result.updated
        verb = (
            agree(saved, "importée")
            if not dry_run
            else agree(saved, "serait importée", "seraient importées")
        )
        unchanged = (  # rows identical to their entry: « 3 lignes déjà à jour ignorées »
            f" ; {format_count(result.unchanged, 'ligne')} déjà à jour "
            f"{agree(result.unchanged, 'ignorée')}"
            if result.unchanged
            else ""
        )
        self.stdout.write(
            f"{format_count(saved, 'saisie')} {verb} "
            f"({format_count(result.created, 'créée')}, "
            f"{format_count(result.updated, 'mise à jour', 'mises à jour')}) "
            f"sur {format_count(len(result.contract_ids), 'contrat')}{unchanged}."
        )
