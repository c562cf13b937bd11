"""Decided money is frozen and no bonus exceeds its cap (issue 16.3): model, admin, fiche, API."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from funding.enums import TrancheKind, TrancheStatus
from funding.evaluations import contract_evaluate, evaluation_decide
from funding.models import Tranche
from tests.funding.evaluation_builders import calaisis_contract

pytestmark = pytest.mark.django_db
D = Decimal
CAP = D("152371.00")


def _bonus(contract):
    return Tranche.objects.get(contract=contract, kind=TrancheKind.BONUS)


@pytest.fixture
def decided(officer):
    """The Calaisis contract with its evaluation decided: not eligible, 0 €."""
    contract = calaisis_contract(published=True)
    evaluation_decide(evaluation=contract_evaluate(contract=contract), by=officer)
    assert _bonus(contract).planned_amount == D("0.00")
    return contract


def _admin_form(tranche, **changes):
    data = {
        "contract": tranche.contract_id,
        "label": tranche.label,
        "year": tranche.year,
        "funder": tranche.funder_id,
        "kind": tranche.kind,
        "order": tranche.order,
        "planned_amount": "" if tranche.planned_amount is None else str(tranche.planned_amount),
        "status": tranche.status,
        "paid_amount": "",
        "paid_on": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("amount", ["9999999", "152371", "1", "0.01"])
def test_the_decided_amount_cannot_be_changed_in_the_admin(client, officer, decided, amount):
    tranche = _bonus(decided)
    client.force_login(officer)
    url = reverse("admin:funding_tranche_change", args=[tranche.pk])

    response = client.post(url, _admin_form(tranche, planned_amount=amount))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["planned_amount"] == [
        "Le bonus de ce contrat est décidé (0\u00a0€, évaluation au 31/12/2023) : son montant "
        "ne change que par une nouvelle décision."
    ]
    assert _bonus(decided).planned_amount == D("0.00")


def test_the_decided_tranche_still_records_its_payment(client, officer, decided):
    tranche = _bonus(decided)
    client.force_login(officer)
    url = reverse("admin:funding_tranche_change", args=[tranche.pk])

    response = client.post(url, _admin_form(tranche, status=TrancheStatus.REQUESTED))

    assert response.status_code == 302
    assert _bonus(decided).status == TrancheStatus.REQUESTED


def test_no_writer_can_change_it_nor_turn_it_into_a_fixed_tranche(decided):
    tranche = _bonus(decided)
    tranche.planned_amount = D("9999999")
    with pytest.raises(ValidationError, match="ne change que par une nouvelle décision"):
        tranche.save()
    tranche = _bonus(decided)
    tranche.kind, tranche.planned_amount = TrancheKind.FIXED, D("9999999")
    with pytest.raises(ValidationError) as refused:
        tranche.save()
    assert set(refused.value.message_dict) == {"kind"}


def test_the_public_fiche_and_the_api_keep_showing_the_decided_amount(client, decided):
    tranche = _bonus(decided)
    tranche.planned_amount = D("9999999")
    with pytest.raises(ValidationError):
        tranche.save()

    fiche = client.get(f"/fiches/{decided.reference}/").content.decode()
    api = client.get(f"/api/contracts/{decided.reference}").content.decode()

    assert "9\u202f999\u202f999" not in fiche and "9999999" not in api


@pytest.mark.parametrize(
    ("field", "amount", "refused"),
    [
        ("planned_amount", "152371.01", True),
        ("planned_amount", "9999999", True),
        ("planned_amount", "152371.00", False),
        ("planned_amount", "100000", False),
        ("paid_amount", "152372", True),
    ],
)
def test_an_undecided_bonus_cannot_exceed_the_cap(client, officer, field, amount, refused):
    contract = calaisis_contract()
    tranche = _bonus(contract)
    client.force_login(officer)
    url = reverse("admin:funding_tranche_change", args=[tranche.pk])
    changes = {field: amount}
    if field == "paid_amount":
        changes.update(status=TrancheStatus.PAID, paid_on="30/06/2024")

    response = client.post(url, _admin_form(tranche, **changes))

    if refused:
        assert response.status_code == 200
        (message,) = response.context["adminform"].form.errors[field]
        assert message.endswith(
            "dépasse le plafond du bonus de ce contrat (152\u202f371\u00a0€ : population de "
            "référence × montant par habitant)."
        )
        assert _bonus(contract).planned_amount is None
    else:
        assert response.status_code == 302
        assert getattr(_bonus(contract), field) == D(amount)


def test_a_fixed_tranche_is_not_limited_by_the_bonus_cap():
    contract = calaisis_contract()
    fixed = Tranche.objects.get(contract=contract, kind=TrancheKind.FIXED)
    fixed.planned_amount = D("9999999")
    fixed.save()
    assert fixed.planned_amount > CAP
