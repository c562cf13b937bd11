"""Importing a document again updates the contract in place and keeps the history."""

import copy
import datetime
from decimal import Decimal

import pytest

from contracts.models import Contract, ContractTransition
from exchange.documents import contract_document_export, contract_documents_import
from funding.enums import TrancheStatus
from indicators.enums import EntrySource, EntryStatus
from indicators.models import EntryTransition, Indicator, Objective, ProgressEntry
from territories.models import Territory
from tests.factories import ProgressEntryFactory


def reimport(document: dict, by=None) -> Contract:
    (contract,) = contract_documents_import(documents=[("calaisis.json", document)], by=by)
    return contract


def calaisis_contract() -> Contract:
    return Contract.objects.get(reference="COTTRI-2021-CALAISIS")


def calaisis_entries():
    return ProgressEntry.objects.filter(indicator__objective__contract=calaisis_contract())


@pytest.fixture
def imported(calaisis, officer) -> dict:
    reimport(calaisis, by=officer)
    return copy.deepcopy(calaisis)


def test_same_document_twice_changes_nothing(imported):
    counts = (
        Objective.history.count(),
        Indicator.history.count(),
        Contract.history.count(),
        ProgressEntry.history.count(),
    )
    pks = list(Indicator.objects.values_list("pk", flat=True))
    reimport(imported)
    assert (
        Objective.history.count(),
        Indicator.history.count(),
        Contract.history.count(),
        ProgressEntry.history.count(),
    ) == counts
    assert list(Indicator.objects.values_list("pk", flat=True)) == pks
    assert ContractTransition.objects.count() == 1


def test_update_in_place_keeps_history_with_the_acting_user(imported, superuser):
    objective = Objective.objects.get(code="O1")
    indicator = Indicator.objects.get(code="renovations")
    imported["objectives"][0]["title"] = "1600 rénovations réalisées"
    imported["objectives"][0]["indicators"][0]["target"] = "1600"

    reimport(imported, by=superuser)

    assert Objective.objects.get(code="O1").pk == objective.pk
    assert Indicator.objects.get(code="renovations").pk == indicator.pk
    latest, first = objective.history.order_by("-history_id")[:2]
    assert (latest.history_type, latest.history_user, latest.title) == (
        "~",
        superuser,
        "1600 rénovations réalisées",
    )
    assert first.title == "1500 rénovations réalisées après conseil FAIRE ou accompagnement SPEE"
    targets = list(indicator.history.order_by("history_id").values_list("target", "history_user"))
    assert targets[-2][0] == Decimal("1500")
    assert targets[-1] == (Decimal("1600"), superuser.pk)


def test_objectives_and_indicators_absent_from_the_document_are_removed(imported, superuser):
    imported["objectives"].append(
        {
            "code": "O2",
            "incontournable": 8,
            "priority": True,
            "title": "50 km d'aménagements cyclables",
            "indicators": [
                {
                    "code": "km",
                    "label": "Aménagements",
                    "unit": "km",
                    "kind": "quantity",
                    "direction": "increase",
                    "accumulation": "sum",
                    "baseline": "0",
                    "target": "50",
                },
                {
                    "code": "pistes",
                    "label": "Pistes",
                    "unit": "km",
                    "kind": "quantity",
                    "direction": "increase",
                    "accumulation": "sum",
                    "baseline": "0",
                    "target": "20",
                },
            ],
        }
    )
    reimport(imported)
    imported["objectives"][1]["indicators"].pop()
    reimport(imported, by=superuser)
    assert list(Indicator.objects.filter(objective__code="O2").values_list("code", flat=True)) == [
        "km"
    ]
    removed = Indicator.history.get(code="pistes", history_type="-")
    assert removed.history_user == superuser

    imported["objectives"].pop()
    reimport(imported)
    objectives = Objective.objects.filter(contract=calaisis_contract())
    assert list(objectives.values_list("code", flat=True)) == ["O1"]


def test_workbook_is_replaced_when_given_and_kept_when_absent(imported):
    objective = imported["objectives"][0]
    objective["actions"] = [{"title": "Guichet unique", "lead": "GCT&M", "status": "envisagee"}]
    objective["findings"] = ["Ingénierie limitée"]
    reimport(imported)
    objective["actions"] = [{"title": "Guichet unique", "lead": "GCT&M", "status": "en_cours"}]
    reimport(imported)
    stored = Objective.objects.get(code="O1")
    assert list(stored.actions.values_list("status", flat=True)) == ["en_cours"]

    del objective["actions"], objective["findings"]
    reimport(imported)
    stored.refresh_from_db()
    assert stored.actions.count() == 1
    assert stored.findings == ["Ingénierie limitée"]


def test_tranches_are_matched_by_year_and_label(imported, neighbour):
    contract = calaisis_contract()
    fixed = contract.tranches.get(year=1)
    imported["tranches"][0]["amount"] = "280000.00"
    imported["tranches"][1]["amount"] = "152371.00"  # a decided bonus may carry its amount
    reimport(imported)
    fixed.refresh_from_db()
    assert fixed.planned_amount == Decimal("280000.00")
    assert contract.tranches.get(year=3).planned_amount == Decimal("152371.00")

    del imported["tranches"]
    reimport(imported)
    assert contract.tranches.count() == 2  # absent: unchanged

    imported["tranches"] = []
    reimport(imported)
    assert contract.tranches.count() == 0
    neighbour.assert_unchanged()  # its bonus tranche stays


def test_progress_matched_by_indicator_and_date(imported, officer, neighbour):
    entry = calaisis_entries().get()
    indicator = entry.indicator
    typed = ProgressEntryFactory(
        indicator=indicator,
        date=datetime.date(2022, 6, 30),
        value=Decimal("80"),
        source=EntrySource.MANUAL,
        status=EntryStatus.SUBMITTED,
    )
    imported["progress"][0]["value"] = "430"
    reimport(imported, by=officer)

    entry.refresh_from_db()
    assert (entry.value, entry.version) == (Decimal("430"), 2)
    assert entry.history.latest().history_user == officer
    assert ProgressEntry.objects.filter(pk=typed.pk).exists()  # typed on the platform: kept

    imported["progress"] = []
    reimport(imported)
    assert list(calaisis_entries()) == [typed]  # the document's own entry is gone
    neighbour.assert_unchanged()  # and no other contract's


def test_progress_status_change_is_logged(imported, officer):
    imported["progress"][0]["status"] = "returned"
    reimport(imported, by=officer)
    entry = calaisis_entries().get()
    last = EntryTransition.objects.filter(entry=entry).last()
    assert (last.from_status, last.to_status, last.by) == ("validated", "returned", officer)
    assert entry.reviewer == officer


def test_status_change_goes_through_the_lifecycle(imported, superuser):
    imported["status"] = "closed"
    contract = reimport(imported, by=superuser)
    assert calaisis_contract().status == "closed"
    last = ContractTransition.objects.filter(contract=contract).last()
    assert (last.from_status, last.to_status, last.by) == ("active", "closed", superuser)


def test_groupement_is_updated_from_the_document(imported):
    imported["territory"]["name"] = "Pays du Calaisis (SyMPaC)"
    imported["territory"]["members"] = ["200090751", "200072478"]
    imported["territory"]["groupement_type"] = "pays"
    contract = reimport(imported)
    territory = Territory.objects.get(code="PAYS-CALAISIS")
    assert territory.name == "Pays du Calaisis (SyMPaC)"
    assert territory.members.count() == 2
    assert territory.population == 98_913 + 25_182
    exported = contract_document_export(contract=contract)["territory"]
    assert exported["groupement_type"] == "pays"


def test_paid_tranche_cannot_be_removed(imported):
    from exchange.documents import ContractDocumentError

    calaisis_contract().tranches.filter(year=1).update(
        status=TrancheStatus.PAID,
        paid_amount=Decimal("270000.00"),
        paid_on=datetime.date(2022, 1, 5),
    )
    imported["tranches"].pop(0)
    with pytest.raises(ContractDocumentError) as error:
        reimport(imported)
    assert error.value.errors == [
        "calaisis.json: $.tranches : la tranche « Aide forfaitaire années 1 et 2 » (année 1) est "
        "« versée » : elle ne peut pas être retirée"
    ]
