"""Contract documents: interfaces.md's example and a richer one import, then export the same."""

import json
from decimal import Decimal

from contracts.models import Contract, ContractTransition
from exchange.documents import contract_document_export, contract_documents_import
from funding.enums import TrancheKind
from indicators.enums import EntrySource, EntryStatus
from indicators.models import ProgressEntry
from territories.enums import TerritoryKind
from tests.contracts.conftest import as_json


def test_interfaces_example_imports(calaisis, officer, neighbour):
    (contract,) = contract_documents_import(documents=[("calaisis.json", calaisis)], by=officer)

    assert contract.reference == "COTTRI-2021-CALAISIS"
    assert contract.programme.code == "COT-TRI"
    assert contract.status == "active"
    assert contract.published is True
    assert (contract.population, contract.population_vintage) == (152_371, 2020)
    assert contract.bonus_priority_count == 3
    assert contract.bonus_per_inhabitant == Decimal("1.00")
    territory = contract.territory
    assert territory.kind == TerritoryKind.GROUPEMENT
    assert territory.name == "Pays du Calaisis"
    assert sorted(territory.members.values_list("code", flat=True)) == [
        "200072478",
        "200090751",
        "246200844",
    ]
    assert territory.population == 152_282  # the members' sum; the contract keeps 152 371
    fixed, bonus = contract.tranches.order_by("year")
    assert (fixed.kind, fixed.planned_amount) == (TrancheKind.FIXED, Decimal("270000.00"))
    assert (bonus.kind, bonus.planned_amount) == (TrancheKind.BONUS, None)
    (objective,) = contract.objectives.all()
    assert (objective.code, objective.incontournable.number, objective.priority) == ("O1", 7, True)
    (indicator,) = objective.indicators.all()
    assert indicator.target == Decimal("1500")
    (entry,) = ProgressEntry.objects.for_contract(contract)
    assert entry.value == Decimal("420")
    assert entry.status == EntryStatus.VALIDATED
    assert entry.source == EntrySource.DOCUMENT
    assert entry.author == officer
    (transition,) = ContractTransition.objects.filter(contract=contract)
    assert (transition.from_status, transition.to_status, transition.by) == ("", "active", officer)
    neighbour.assert_unchanged()


def test_interfaces_example_exports_back_the_same_json(calaisis, neighbour):
    (contract,) = contract_documents_import(documents=[("calaisis.json", calaisis)])
    exported = contract_document_export(contract=contract)
    neighbour.assert_absent(json.dumps(exported, ensure_ascii=False, default=str))
    assert as_json(exported) == as_json(calaisis)
    assert list(exported) == list(calaisis)  # keys in the order of interfaces.md


def test_rich_document_round_trips(rich, officer):
    (contract,) = contract_documents_import(documents=[("riche.json", rich)], by=officer)
    assert as_json(contract_document_export(contract=contract)) == as_json(rich)


def test_rich_document_stores_what_the_fiche_shows(rich):
    (contract,) = contract_documents_import(documents=[("riche.json", rich)])
    assert contract.territory.code == "246200729"
    assert contract.bonus_mode == "prorata"
    assert contract.bonus_cap == Decimal("150000.00")
    assert [s.organisation for s in contract.signatories.all()] == [
        "ADEME",
        "Région Hauts-de-France",
        "CA du Boulonnais",
    ]
    copil = contract.governance.get(kind="copil")
    assert copil.members == ["CA du Boulonnais", "ADEME", "Région Hauts-de-France"]
    assert contract.amendments.get().number == 1
    o1 = contract.objectives.get(code="O1")
    assert o1.findings[0] == "Ingénierie limitée (conseillers FAIRE)"
    assert [a.status for a in o1.actions.all()] == ["envisagee", "en_cours"]
    assert o1.actors.get(organisation="ADEME").quadrant == "engager"
    lights = contract.objectives.get(code="O2")
    assert [i.target for i in lights.indicators.all()] == [2000, 1500, 500]
    cycling = contract.objectives.get(code="O3").indicators.get()
    assert cycling.definition.code == "km-amenagements-cyclables"


def test_export_is_written_with_decimal_strings(rich):
    (contract,) = contract_documents_import(documents=[("riche.json", rich)])
    exported = contract_document_export(contract=contract)
    assert exported["bonus_rule"]["objective_threshold"] == "0.625"
    assert exported["bonus_rule"]["cap"] == "150000.00"
    values = [entry["value"] for entry in exported["progress"]]
    assert "12.5" in values
    assert all(isinstance(value, str) for value in values)


def test_omitted_bonus_rule_is_copied_from_the_programme(calaisis):
    del calaisis["bonus_rule"]
    calaisis["programme"] = "COTRI"
    calaisis["objectives"][0]["priority"] = False
    (contract,) = contract_documents_import(documents=[("calaisis.json", calaisis)])
    assert contract.bonus_priority_count == 0
    assert contract.bonus_per_inhabitant == Decimal("1.00")
    exported = contract_document_export(contract=contract)
    assert exported["bonus_rule"]["priority_count"] == 0


def test_export_query_count_does_not_grow_with_objectives(
    calaisis, rich, django_assert_max_num_queries
):
    small, large = contract_documents_import(
        documents=[("calaisis.json", calaisis), ("riche.json", rich)]
    )
    assert (small.objectives.count(), large.objectives.count()) == (1, 6)
    for contract in (small, large):
        with django_assert_max_num_queries(13):
            contract_document_export(contract=contract)


def test_export_of_a_contract_without_optional_data(calaisis):
    for key in ("tranches", "progress"):
        del calaisis[key]
    calaisis.update(signed_on=None, population=None, objectives=[])
    (contract,) = contract_documents_import(documents=[("calaisis.json", calaisis)])
    exported = as_json(contract_document_export(contract=contract))
    # Omitted tranches: the programme's defaults apply (COT-TRI: the ADEME's year-3 bonus).
    default = [{"label": "Bonus année 3", "year": 3, "funder": "ADEME", "kind": "bonus"}]
    assert exported == as_json({**calaisis, "tranches": default})
    assert Contract.objects.get(pk=contract.pk).population is None
