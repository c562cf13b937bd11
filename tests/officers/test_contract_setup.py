"""A contract is set up from its programme: rule, tranches, incontournables, population."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.admin_forms import ContractAdminForm, LinesField, PercentField
from contracts.enums import ContractStatus
from contracts.models import Contract, GovernanceBody, Incontournable, Programme
from cotri.templatetags.french import number_fr
from funding.enums import TrancheKind
from funding.models import ProgrammeTranche, Tranche
from indicators.models import Objective
from tests.factories import ContractFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


def _create(client, programme_code: str, territory, **extra):
    data = {
        "reference": f"NOUVEAU-{programme_code}",
        "programme": Programme.objects.get(code=programme_code).pk,
        "territory": territory.pk,
        "title": "Nouveau contrat",
        "holder": "CA de test",
        "summary": "",
        "signed_on": "",
        "start": "2026-01-01",
        "end": "2028-12-31",
        "population": "",
        "population_vintage": "",
        "data_notes": "",
        **extra,
    }
    response = client.post(reverse("admin:contracts_contract_add"), data, follow=True)
    assert response.status_code == 200
    return Contract.objects.get(reference=data["reference"]), html.unescape(response.text)


@pytest.mark.parametrize(
    ("code", "priority_count", "tranches"),
    [
        ("COT-CLIMAT", 0, []),
        ("COTRI", 0, []),
        ("COT-TRI", 3, [("Bonus année 3", 3, "ADEME", TrancheKind.BONUS, None)]),
    ],
)
def test_a_new_contract_takes_its_programmes_rule_and_tranches(
    officer_client, code, priority_count, tranches
):
    territory = TerritoryFactory(population=87_654, population_vintage=2021)
    contract, page = _create(officer_client, code, territory)
    assert contract.bonus_priority_count == priority_count
    assert contract.bonus_objective_threshold == Decimal("0.60")
    rows = Tranche.objects.filter(contract=contract).values_list(
        "label", "year", "funder", "kind", "planned_amount"
    )
    assert list(rows) == tranches
    # The reference population comes from the territory, with its vintage, and is said.
    assert (contract.population, contract.population_vintage) == (87_654, 2021)
    assert f"population de référence {number_fr(87_654)} habitants (millésime 2021)" in page


def test_a_programmes_edited_defaults_apply_to_the_next_contract(officer_client):
    programme = Programme.objects.get(code="COT-CLIMAT")
    programme.bonus_priority_count = 2
    programme.bonus_objective_threshold = Decimal("0.75")
    programme.save()
    ProgrammeTranche.objects.create(
        programme=programme,
        label="Aide forfaitaire",
        year=1,
        funder_id="REGION",
        kind=TrancheKind.FIXED,
        amount=Decimal("50000"),
    )
    contract, _ = _create(officer_client, "COT-CLIMAT", TerritoryFactory())
    assert (contract.bonus_priority_count, contract.bonus_objective_threshold) == (
        2,
        Decimal("0.7500"),
    )
    assert list(contract.tranches.values_list("label", "planned_amount")) == [
        ("Aide forfaitaire", Decimal("50000.00"))
    ]


def test_a_typed_population_wins_over_the_territorys(officer_client):
    territory = TerritoryFactory(population=10_000, population_vintage=2021)
    contract, _ = _create(
        officer_client, "COT-CLIMAT", territory, population="12345", population_vintage="2019"
    )
    assert (contract.population, contract.population_vintage) == (12_345, 2019)


def test_publishing_a_draft_says_why_it_stays_private(officer_client, client):
    contract, page = _create(officer_client, "COT-CLIMAT", TerritoryFactory(), published="on")
    assert contract.published and contract.status == ContractStatus.DRAFT
    assert "La fiche reste privée : un contrat au statut « Brouillon » n'est jamais publié" in page
    client.logout()
    assert client.get(reverse("public:fiche", args=[contract.reference])).status_code == 404


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("60", Decimal("0.6")), ("62,5", Decimal("0.625")), ("100 %", Decimal("1")), ("0", 0)],
)
def test_thresholds_are_typed_as_percentages(typed, stored):
    assert PercentField().clean(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [("soixante", "Saisissez un nombre"), ("-5", "supérieure ou égale à 0"), ("60,123", "2")],
)
def test_wrong_percentages_are_refused_in_french(typed, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        PercentField().clean(typed)
    assert message in " ".join(refused.value.messages)


def test_thresholds_are_shown_as_percentages(officer_client):
    programme = Programme.objects.get(code="COT-TRI")
    page = officer_client.get(reverse("admin:contracts_programme_change", args=[programme.pk]))
    text = page.text
    assert 'name="bonus_objective_threshold" value="60"' in text
    assert 'name="bonus_priority_threshold" value="100"' in text
    assert PercentField().prepare_value(Decimal("0.6250")) == Decimal("62.5")


def _incontournable_choices(page: str) -> list[str]:
    import re

    select = page[
        page.index('name="incontournable"') : page.index(
            "</select>", page.index('name="incontournable"')
        )
    ]
    return [
        html.unescape(label)
        for label in re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)
    ]


def test_incontournables_are_those_of_the_contracts_programme(officer_client):
    climat = ContractFactory(programme=Programme.objects.get(code="COT-CLIMAT"))
    page = officer_client.get(
        reverse("admin:indicators_objective_add"), {"contract": climat.pk}
    ).text
    choices = _incontournable_choices(page)
    assert len(choices) == 10
    assert choices[6] == "7. Potentialités ENR&R locales"
    assert "Performance énergétique et écologique du bâtiment" not in page


def test_without_a_contract_each_referential_has_its_own_heading(officer_client):
    page = officer_client.get(reverse("admin:indicators_objective_add")).text
    assert '<optgroup label="Les 10 incontournables du COT Climat">' in page
    assert "7. Performance énergétique et écologique du bâtiment" in html.unescape(page)


def test_an_incontournable_of_another_programme_is_refused(officer_client):
    climat = ContractFactory(programme=Programme.objects.get(code="COT-CLIMAT"))
    tri_item = Incontournable.objects.get(referential__code="tri-15", number=7)
    objective = Objective(contract=climat, incontournable=tri_item, code="O1", title="Rénover")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        objective.full_clean()
    assert "n'est pas un incontournable du programme COT Climat" in str(refused.value)


def test_the_population_is_frozen_once_signed(officer_client):
    draft = ContractFactory(status=ContractStatus.DRAFT, population=1000)
    signed = ContractFactory(status=ContractStatus.SIGNED, population=1000)
    draft_page = officer_client.get(reverse("admin:contracts_contract_change", args=[draft.pk]))
    signed_page = officer_client.get(reverse("admin:contracts_contract_change", args=[signed.pk]))
    assert 'name="population"' in draft_page.text
    assert 'name="population"' not in signed_page.text
    # The form refuses it too, whatever posts it.
    data = {f: getattr(signed, f) for f in ("population", "population_vintage")}
    form = ContractAdminForm(data={**data, "population": 2000}, instance=signed)
    form.fields = {k: v for k, v in form.fields.items() if k in data}
    assert not form.is_valid()
    assert "figée depuis la signature : enregistrez un avenant" in form.errors["population"][0]


def test_governance_members_are_edited_one_per_line(officer_client):
    contract = ContractFactory()
    response = officer_client.post(
        reverse("admin:contracts_governancebody_add"),
        {
            "contract": contract.pk,
            "kind": "copil",
            "name": "Comité de pilotage",
            "role": "",
            "members": "ADEME\r\n  Région Hauts-de-France \r\n\r\nSyMPaC",
            "order": 0,
        },
    )
    assert response.status_code == 302
    body = GovernanceBody.objects.get()
    assert body.members == ["ADEME", "Région Hauts-de-France", "SyMPaC"]
    page = officer_client.get(reverse("admin:contracts_governancebody_change", args=[body.pk]))
    assert "ADEME\nRégion Hauts-de-France\nSyMPaC</textarea>" in html.unescape(page.text)
    assert LinesField(required=False).clean("") == []


def test_an_amendment_changes_the_population_of_a_signed_contract(officer_client, officer):
    signed = ContractFactory(status=ContractStatus.SIGNED, population=162_083)
    response = officer_client.post(
        reverse("admin:contracts_amendment_add"),
        {
            "contract": signed.pk,
            "number": 1,
            "signed_on": "15/03/2026",
            "summary": "Population INSEE 2021 des membres du Pays",
            "population": "157976",
            "population_vintage": "2021",
        },
    )
    assert response.status_code == 302
    signed.refresh_from_db()
    assert (signed.population, signed.population_vintage) == (157_976, 2021)
    latest = signed.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (
        "Avenant n° 1 : population de référence",
        officer,
    )
    # An amendment about something else leaves the population alone.
    officer_client.post(
        reverse("admin:contracts_amendment_add"),
        {"contract": signed.pk, "number": 2, "signed_on": "01/06/2026", "summary": "Calendrier"},
    )
    signed.refresh_from_db()
    assert signed.population == 157_976 and signed.amendments.count() == 2
