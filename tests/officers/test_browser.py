"""An officer's day one in a real browser (Chromium), axe checking every page on the way:
invite a chef de projet, who follows the link and chooses a password; create a COT Climat
contract for another territory with two objectives and their indicators; publish it; the chef
reports on it and the officer's home shows the entry waiting. Screenshots in
artifacts/screenshots/<test-name>/.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management.sql import emit_post_migrate_signal

from contracts.enums import ContractStatus
from contracts.models import Contract
from contracts.programmes import programmes_install
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from tests.espace.test_browser import _journey
from tests.factories import TerritoryFactory

# Not serialized_rollback: a transactional test before this one may have flushed the data
# migrations' rows, so the test installs what it needs itself (idempotent).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_TERRITORY = "CC du Haut Pays de test"


def _officer_perms(officer) -> None:
    group = Group.objects.get(name="officers")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=("territories", "contracts", "indicators", "funding")
        )
    )


def _admin_sign_in(page, base: str) -> None:
    page.goto(base + "/admin/")
    page.fill("#id_username", "agent")
    page.fill("#id_password", "mot-de-passe-agent")
    page.locator("input[type=submit]").click()
    page.wait_for_url(base + "/admin/")


def _select2(page, field: str, text: str) -> None:
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def _save_and_continue(page) -> None:
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()


def test_officer_day_one(live_server, browser, screenshot, officer, contract_a, neighbour):
    # A serialized-rollback test before this one leaves the tables empty: content types,
    # permissions and the officers' group come back as after a migration.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    programmes_install()
    _officer_perms(officer)
    territory = TerritoryFactory(
        name=NEW_TERRITORY, departement_code="62", population=24_512, population_vintage=2021
    )
    contract_a.territory.departement_code = "62"  # the list's département filter names each
    contract_a.territory.save()
    base = live_server.url
    page, step, found = _journey(browser, screenshot)
    page.set_default_timeout(10_000)

    # 1. The officer invites a chef de projet for the new territory.
    _admin_sign_in(page, base)
    step("admin-accueil")
    page.get_by_role("link", name="Comptes des territoires").first.click()
    step("comptes")
    page.get_by_role("link", name="Inviter un chef de projet ou un lecteur").first.click()
    page.fill("#id_email", "claire.martin@hautpays.fr")
    page.fill("#id_first_name", "Claire")
    page.fill("#id_last_name", "Martin")
    page.select_option("#id_territory", value=str(territory.pk))
    page.select_option("#id_role", label="Chef de projet")
    step("invitation")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    page.get_by_text("Accès donné à claire.martin@hautpays.fr").wait_for()
    step("invitation-envoyee")

    # 2. The chef follows the link from the e-mail and chooses a password.
    link = re.search(r"(/espace/invitation/\S+/)", mail.outbox[-1].body).group(1)
    chef, chef_step, chef_found = _journey(browser, screenshot)
    chef.set_default_timeout(10_000)
    chef.goto(base + link)
    chef.fill("#id_new_password1", "Haut Pays 2026 climat")
    chef.fill("#id_new_password2", "Haut Pays 2026 climat")
    chef_step("chef-mot-de-passe")
    chef.get_by_role("button", name="Enregistrer mon mot de passe").click()
    chef.get_by_text("Votre mot de passe est enregistré").wait_for()
    chef_step("chef-bienvenue")

    # 3. The officer creates a COT Climat contract for that territory.
    page.goto(base + "/admin/contracts/contract/add/")
    page.fill("#id_reference", "COTCLIMAT-2026-HAUT-PAYS")
    page.select_option("#id_programme", label="COT Climat")
    _select2(page, "territory", NEW_TERRITORY)
    page.fill("#id_title", "COT Climat du Haut Pays 2026-2028")
    page.fill("#id_holder", "CC du Haut Pays")
    page.fill("#id_start", "01/01/2026")
    page.fill("#id_end", "31/12/2028")
    step("contrat-creation")
    _save_and_continue(page)
    page.get_by_text("Règle du bonus du programme COT Climat reprise").wait_for()
    step("contrat-cree")

    # Two objectives, among the COT Climat incontournables only.
    for row, (code, title, number) in enumerate(
        [
            ("O1", "Rénover 300 logements privés", "3. Rénovation thermique de l'habitat privé"),
            ("O2", "Installer 2 MW de photovoltaïque", "7. Potentialités ENR&R locales"),
        ]
    ):
        page.locator("#objectives-group .add-row a").click()
        page.fill(f"#id_objectives-{row}-code", code)
        page.fill(f"#id_objectives-{row}-title", title)
        page.select_option(f"#id_objectives-{row}-incontournable", label=number)
    step("objectifs")
    _save_and_continue(page)
    page.locator(".messagelist .success").wait_for()

    # Their indicators, on each objective's page; the home flags the contract meanwhile.
    page.goto(base + "/admin/accueil/")
    page.get_by_text("un objectif n'a aucun indicateur").wait_for()
    step("accueil-configuration")
    contract = Contract.objects.get(reference="COTCLIMAT-2026-HAUT-PAYS")
    for objective, label, unit, target in [
        ("O1", "Logements rénovés", "logements", "300"),
        ("O2", "Puissance installée", "MW", "2"),
    ]:
        pk = contract.objectives.get(code=objective).pk
        page.goto(f"{base}/admin/indicators/objective/{pk}/change/")
        page.locator("#indicators-group .add-row a").click()
        page.fill("#id_indicators-0-code", objective.lower())
        page.fill("#id_indicators-0-label", label)
        page.fill("#id_indicators-0-unit", unit)
        page.fill("#id_indicators-0-target", target)
        _save_and_continue(page)
        page.locator(".messagelist .success").wait_for()
    step("indicateurs")

    # 4. Publish: tick « publiée », then sign and start it from the list.
    page.goto(f"{base}/admin/contracts/contract/{contract.pk}/change/")
    page.check("#id_published")
    _save_and_continue(page)
    page.get_by_text("La fiche reste privée").wait_for()
    step("publiee-brouillon")
    for status in ("Signé", "En cours"):
        page.goto(base + "/admin/contracts/contract/")
        page.locator(f"input[name=_selected_action][value='{contract.pk}']").check()
        page.select_option("select[name=action]", label=f"Passer au statut « {status} »")
        page.locator("button[name=index]").click()
        page.get_by_text(f"Passé au statut « {status} »").wait_for()
    step("contrat-en-cours")
    page.goto(f"{base}/fiches/{contract.reference}/")
    assert page.get_by_role("heading", name=re.compile("Haut Pays")).first.is_visible()
    step("fiche-publique")

    # 5. The chef reports on it and submits.
    chef.goto(base + "/espace/")
    neighbour.assert_absent(chef.content())  # the new chef's contract only
    chef.get_by_role("link", name="COTCLIMAT-2026-HAUT-PAYS").click()
    chef.get_by_role("link", name="Logements rénovés").click()
    chef.get_by_label("Date de la valeur").fill("2026-06-30")
    chef.get_by_role("textbox", name="Valeur Nombre décimal").fill("42")
    chef.get_by_role("button", name="Soumettre pour validation").click()
    chef.get_by_text("Saisie soumise").wait_for()
    chef_step("chef-saisie-soumise")
    neighbour.assert_absent(chef.content())

    # 6. The officer's home shows it waiting, with the neighbour's (officers see every contract).
    page.goto(base + "/admin/accueil/")
    page.get_by_text("Saisies soumises à valider (2)").wait_for()
    assert page.get_by_role("cell", name="COTCLIMAT-2026-HAUT-PAYS").is_visible()
    assert page.get_by_role("cell", name="VOISIN-1").is_visible()
    step("accueil-saisie-a-valider")

    entry = ProgressEntry.objects.get(indicator__objective__contract=contract)
    assert (entry.status, entry.author.email) == (
        EntryStatus.SUBMITTED,
        "claire.martin@hautpays.fr",
    )
    contract.refresh_from_db()
    assert (contract.status, contract.published, contract.population) == (
        ContractStatus.ACTIVE,
        True,
        24_512,
    )
    assert contract.territory == territory
    neighbour.assert_unchanged()  # publishing and the status actions touched the new one only
    assert {**found, **chef_found} == {name: [] for name in {**found, **chef_found}}
