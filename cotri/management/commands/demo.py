"""Set up a demonstration platform in one command (idempotent).

Loads the Hauts-de-France territories, the seed contracts of fixtures/contracts/, the
DEMONSTRATION progress values of fixtures/demo/ (invented, labelled as such), demo users, then
evaluates every contract.
"""

import csv

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from contracts.enums import MembershipRole
from contracts.models import Contract, ProjectMembership
from cotri.roles import officers_group_sync

FIXTURES = settings.BASE_DIR / "fixtures"
# Demonstration accounts only: `demo` refuses to run in production.
OFFICER_LOGIN = ("agent.demo", "demo-agent-cotri")
CHEF_PASSWORD = "demo-chef-cotri"  # noqa: S105 - printed demo login, never used in production


class Command(BaseCommand):
    help = (
        "Prépare une plateforme de démonstration : territoires, contrats des sources, "
        "valeurs de démonstration, comptes de démonstration, évaluations."
    )

    def handle(self, *args, **options):
        if getattr(settings, "COTRI_PRODUCTION", False):
            raise CommandError("La démonstration ne se lance pas en production.")
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=0)
        self._step("Territoires des Hauts-de-France")
        call_command("import_territories", verbosity=verbosity)
        self._step("Contrats des sources (fixtures/contracts/)")
        documents = sorted(str(p) for p in (FIXTURES / "contracts").glob("*.json"))
        call_command("import_contract", *documents, verbosity=verbosity)
        self._step("Comptes de démonstration")
        logins = self._users()
        self._step("Valeurs de DÉMONSTRATION (fixtures/demo/, inventées)")
        call_command(
            "import_progress",
            str(FIXTURES / "demo" / "progress-demo.csv"),
            "--as",
            OFFICER_LOGIN[0],
        )
        self._mark_demo_contracts(FIXTURES / "demo" / "progress-demo.csv")
        self._step("Évaluations")
        call_command("evaluate", "--all", verbosity=verbosity)
        self._step("Campagne de suivi")
        self._campaigns()
        self._step("Fiches territoriales en PDF")
        call_command("render_fiche", "--all", verbosity=verbosity)
        self._print_logins(logins)

    def _campaigns(self) -> None:
        """« Bilan annuel 2023 » for the COT TRI contracts (the seeds' contracts are all closed,
        so the yearly generation, which takes active contracts, would find none)."""
        import datetime

        from reporting.models import Campaign
        from reporting.services import campaign_open

        name = "Bilan annuel 2023"
        contracts = list(Contract.objects.filter(programme__code="COT-TRI", start__year__lte=2023))
        if not contracts or Campaign.objects.filter(name=name).exists():
            return
        campaign_open(
            name=name,
            contracts=contracts,
            period_start=datetime.date(2023, 1, 1),
            period_end=datetime.date(2023, 12, 31),
            due_on=datetime.date(2024, 1, 31),
            by=get_user_model().objects.get(username=OFFICER_LOGIN[0]),
        )
        self.stdout.write(f"  {name} : {', '.join(c.reference for c in contracts)}")

    def _mark_demo_contracts(self, path) -> None:
        """Contracts that received demonstration values say so on every public surface."""
        with path.open(encoding="utf-8-sig", newline="") as file:
            references = {row["contract"] for row in csv.DictReader(file, delimiter=";")}
        for contract in Contract.objects.filter(reference__in=references, demo_data=False):
            contract.demo_data = True
            contract._change_reason = "Valeurs de démonstration (commande demo)"
            contract.save(update_fields=["demo_data", "updated_at"])

    def _step(self, title: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"\n{title}"))

    @transaction.atomic
    def _users(self) -> list[tuple[str, str, str]]:
        User = get_user_model()
        group = officers_group_sync()
        username, password = OFFICER_LOGIN
        officer, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": "Agent",
                "last_name": "Démonstration",
                "email": "agent.demo@example.org",
                "is_staff": True,
            },
        )
        if created:
            officer.set_password(password)
            officer.save()
        officer.groups.add(group)
        logins = [("Agent (ADEME / Région)", username, password)]
        territories = {c.territory for c in Contract.objects.select_related("territory")}
        for territory in sorted(territories, key=lambda t: t.name):
            username = f"chef.{slugify(territory.name)}"[:150]
            chef, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": "Chef de projet",
                    "last_name": territory.name,
                    "email": f"{username}@example.org",
                },
            )
            if created:
                chef.set_password(CHEF_PASSWORD)
                chef.save()
            ProjectMembership.objects.get_or_create(
                user=chef, territory=territory, defaults={"role": MembershipRole.PROJECT_LEAD}
            )
            logins.append((f"Chef de projet — {territory.name}", username, CHEF_PASSWORD))
        return logins

    def _print_logins(self, logins: list[tuple[str, str, str]]) -> None:
        self.stdout.write(self.style.SUCCESS("\nDémonstration prête. Comptes (démonstration) :"))
        for role, username, password in logins:
            self.stdout.write(f"  {role} : {username} / {password}")
        self.stdout.write(f"\nAdministration : {settings.SITE_URL}/admin/")
