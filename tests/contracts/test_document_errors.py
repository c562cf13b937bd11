"""A wrong document names the file and the JSON path of every problem, and saves nothing."""

import copy
import datetime
from decimal import Decimal

import pytest

from contracts.models import Contract, ContractTransition
from exchange.documents import (
    ContractDocumentError,
    contract_document_load,
    contract_documents_check,
    contract_documents_import,
)
from funding.models import Tranche
from indicators.models import Indicator, Objective, ProgressEntry
from territories.enums import TerritoryKind
from territories.models import Membership, Territory
from tests.factories import ProgressEntryFactory, TerritoryFactory

MODELS = (
    Contract,
    ContractTransition,
    Objective,
    Indicator,
    ProgressEntry,
    Tranche,
    Territory,
    Membership,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def import_errors(*documents: tuple[str, dict]) -> list[str]:
    """Import ``documents``, expect a refusal and check that nothing was saved."""
    before = row_counts()
    with pytest.raises(ContractDocumentError) as error:
        contract_documents_import(documents=list(documents))
    assert row_counts() == before
    return error.value.errors


def objective(code: str, incontournable: int, priority: bool = False) -> dict:
    return {
        "code": code,
        "incontournable": incontournable,
        "priority": priority,
        "title": f"Objectif {code}",
        "indicators": [
            {
                "code": "valeur",
                "label": "Valeur",
                "unit": "",
                "kind": "quantity",
                "direction": "increase",
                "accumulation": "sum",
                "baseline": "0",
                "target": "10",
            }
        ],
    }


def test_incontournable_outside_the_programme(calaisis):
    calaisis["objectives"] += [objective("O2", 8, True), objective("O3", 16, True)]
    assert import_errors(("calaisis.json", calaisis)) == [
        "calaisis.json: $.objectives[2].incontournable : "
        "l'incontournable 16 n'existe pas dans le programme COT-TRI"
    ]


def mutate(document: dict, change) -> dict:
    document = copy.deepcopy(document)
    change(document)
    return document


def _set(path, value):
    def change(document):
        target = document
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _delete(path):
    def change(document):
        target = document
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return change


INDICATOR = ["objectives", 0, "indicators", 0]

CASES = [
    (_set(["colour"], "vert"), "$.colour : clé inconnue"),
    (_set([*INDICATOR, "colour"], "vert"), "$.objectives[0].indicators[0].colour : clé inconnue"),
    (_set(["territory", "population"], 3), "$.territory.population : clé inconnue"),
    (_delete(["objectives", 0, "title"]), "$.objectives[0].title : clé obligatoire manquante"),
    (_delete(["holder"]), "$.holder : clé obligatoire manquante"),
    (
        _set(["progress", 0, "value"], Decimal("420.5")),
        "$.progress[0].value : doit être une chaîne (trouvé : nombre 420.5)",
    ),
    (
        _set(["population", "value"], "152371"),
        "$.population.value : doit être un entier (trouvé : chaîne « 152371 »)",
    ),
    (_set(["progress", 0, "value"], "-5"), "$.progress[0].value : valeur négative interdite"),
    (_set([*INDICATOR, "target"], "1 500"), "$.objectives[0].indicators[0].target : « 1 500 »"),
    (_set(["tranches", 0, "amount"], "270000.001"), "$.tranches[0].amount : « 270000.001 »"),
    (_set(["status"], "actif"), "$.status : valeur chaîne « actif » non autorisée"),
    (_set(["end"], "2023-02-30"), "$.end : « 2023-02-30 » n'est pas une date valide"),
    (_set(["start"], "01/01/2021"), "$.start : « 01/01/2021 » invalide"),
    (_set(["objectives", 0, "priority"], "oui"), "$.objectives[0].priority : doit être true"),
    (
        _delete(["tranches", 0, "amount"]),
        "$.tranches[0].amount : clé obligatoire manquante (une tranche forfaitaire doit avoir",
    ),
    (_set(["territory", "kind"], "epci"), "$.territory.kind : doit valoir « groupement »"),
    (_set(["programme"], "COT-ENR"), "$.programme : le programme « COT-ENR » n'existe pas"),
    (_set(["territory"], "99999"), "$.territory : le territoire « 99999 » n'existe pas"),
    (
        _set(["territory", "members", 1], "200000000"),
        "$.territory.members[1] : le territoire membre « 200000000 » n'existe pas",
    ),
    (_set(["end"], "2020-12-31"), "$.end : la fin (31/12/2020) précède le début (01/01/2021)"),
    (
        lambda d: d["objectives"].append(objective("O1", 8)),
        "$.objectives[1].code : code d'objectif en double : « O1 »",
    ),
    (
        lambda d: d["objectives"][0]["indicators"].append(
            copy.deepcopy(d["objectives"][0]["indicators"][0])
        ),
        "$.objectives[0].indicators[1].code : code d'indicateur en double",
    ),
    (
        _set(["progress", 0, "objective"], "O9"),
        "$.progress[0].objective : l'objectif « O9 » ne figure pas dans le document",
    ),
    (
        _set(["progress", 0, "indicator"], "haies"),
        "$.progress[0].indicator : l'indicateur « haies » n'existe pas dans l'objectif O1",
    ),
    (
        _set(["bonus_rule", "priority_count"], 0),
        "$.bonus_rule.priority_count : la règle de bonus du document attend 0 objectif "
        "prioritaire, le document en marque 1 (O1) sur 1 objectif",
    ),
    (_set([*INDICATOR, "target"], "0"), "$.objectives[0].indicators[0].target : la cible (0)"),
    (
        _set([*INDICATOR, "direction"], "decrease"),
        "$.objectives[0].indicators[0].target : indicateur à la baisse",
    ),
    (_set([*INDICATOR, "definition"], "inconnu"), "$.objectives[0].indicators[0].definition"),
    (
        lambda d: d["tranches"].append(dict(d["tranches"][0])),
        "$.tranches[2] : tranche en double : « Aide forfaitaire années 1 et 2 » (année 1)",
    ),
]


@pytest.mark.parametrize(("change", "expected"), CASES, ids=[case[1][:40] for case in CASES])
def test_each_error_names_its_json_path(calaisis, change, expected):
    errors = import_errors(("calaisis.json", mutate(calaisis, change)))
    assert any(line.startswith(f"calaisis.json: {expected}") for line in errors), errors


def test_every_problem_is_reported_not_just_the_first(calaisis):
    calaisis["colour"] = "vert"
    calaisis["objectives"][0]["indicators"][0]["target"] = 1500
    calaisis["status"] = "actif"
    errors = import_errors(("calaisis.json", calaisis))
    assert len(errors) == 3
    assert all(line.startswith("calaisis.json: $.") for line in errors)


def test_semantic_errors_are_all_reported(calaisis):
    calaisis["programme"] = "COT-CLIMAT"  # incontournable 7 exists there too
    calaisis["territory"]["members"][0] = "000000000"
    calaisis["end"] = "2020-01-01"
    calaisis["progress"][0]["indicator"] = "inconnu"
    errors = import_errors(("calaisis.json", calaisis))
    assert [line.split(" : ")[0] for line in errors] == [
        "calaisis.json: $.territory.members[0]",
        "calaisis.json: $.end",
        # COT-CLIMAT expects no priority objective by default… but the document gives its rule
        "calaisis.json: $.progress[0].indicator",
    ]


def test_second_of_two_files_bad_saves_neither(calaisis):
    good = copy.deepcopy(calaisis)
    bad = copy.deepcopy(calaisis)
    bad["reference"] = "COTTRI-2021-AUTRE"
    bad["objectives"][0]["incontournable"] = 16
    errors = import_errors(("calaisis.json", good), ("autre.json", bad))
    assert errors == [
        "autre.json: $.objectives[0].incontournable : "
        "l'incontournable 16 n'existe pas dans le programme COT-TRI"
    ]
    assert not Territory.objects.filter(code="PAYS-CALAISIS").exists()


def test_same_reference_twice_in_one_batch(calaisis):
    errors = import_errors(("a.json", calaisis), ("b.json", copy.deepcopy(calaisis)))
    assert errors == [
        "b.json: $.reference : la référence « COTTRI-2021-CALAISIS » figure déjà dans a.json"
    ]


def test_a_later_document_may_use_a_groupement_created_by_an_earlier_one(calaisis):
    other = copy.deepcopy(calaisis)
    other["reference"] = "COTRI-2024-CALAISIS"
    other["territory"] = "PAYS-CALAISIS"
    contracts = contract_documents_import(
        documents=[("calaisis.json", calaisis), ("autre.json", other)]
    )
    assert contracts[0].territory == contracts[1].territory


def test_member_refused_by_the_territories_service(calaisis):
    TerritoryFactory(code="62", kind=TerritoryKind.DEPARTEMENT, epci_type="", name="Pas-de-Calais")
    calaisis["territory"]["members"].append("62")
    errors = import_errors(("calaisis.json", calaisis))
    assert errors == [
        "calaisis.json: $.territory.members : 62 (Pas-de-Calais) n'est ni un EPCI ni une commune"
    ]


def test_groupement_code_of_another_kind_of_territory(calaisis):
    calaisis["territory"]["code"] = "200090751"
    calaisis["territory"]["members"] = ["200072478"]
    (error,) = import_errors(("calaisis.json", calaisis))
    assert error.startswith("calaisis.json: $.territory.code : le code 200090751 est déjà celui")


def test_status_transition_not_allowed(calaisis):
    contract_documents_import(documents=[("calaisis.json", copy.deepcopy(calaisis))])
    calaisis["status"] = "draft"
    assert import_errors(("calaisis.json", calaisis)) == [
        "calaisis.json: $.status : le contrat COTTRI-2021-CALAISIS est « En cours » : "
        "passage impossible à « Brouillon »"
    ]


def test_removing_an_indicator_with_progress_is_refused(calaisis, neighbour):
    (contract,) = contract_documents_import(documents=[("calaisis.json", copy.deepcopy(calaisis))])
    indicator = Indicator.objects.get(objective__contract=contract)
    ProgressEntryFactory(indicator=indicator, date=datetime.date(2022, 6, 30))
    calaisis["objectives"][0]["indicators"][0]["code"] = "renovations-2"
    del calaisis["progress"]
    assert import_errors(("calaisis.json", calaisis)) == [
        "calaisis.json: $.objectives[0].indicators : l'indicateur « renovations » de "
        "l'objectif O1 a 2 saisies d'avancement : il ne peut pas être supprimé"
    ]
    calaisis["objectives"] = []
    assert import_errors(("calaisis.json", calaisis)) == [
        "calaisis.json: $.objectives : l'objectif O1 ne figure plus dans le document, mais son "
        "indicateur « renovations » a 2 saisies d'avancement : il ne peut pas être supprimé"
    ]
    neighbour.assert_unchanged()


def test_priority_count_of_a_partial_list_and_of_the_programme_default(calaisis):
    # interfaces.md's example lists 1 of the Calaisis' 9 objectives: fewer priorities is fine…
    calaisis["objectives"] += [objective("O2", 8), objective("O3", 9)]
    # …but once the document lists 3 objectives, 3 of them must be priority ones.
    errors = import_errors(("calaisis.json", calaisis))
    assert errors == [
        "calaisis.json: $.bonus_rule.priority_count : la règle de bonus du document attend "
        "3 objectifs prioritaires, le document en marque 1 (O1) sur 3 objectifs"
    ]
    del calaisis["bonus_rule"]
    calaisis["programme"] = "COTRI"
    assert import_errors(("calaisis.json", calaisis)) == [
        "calaisis.json: $.objectives : la règle de bonus par défaut du programme COTRI attend "
        "0 objectif prioritaire, le document en marque 1 (O1) sur 3 objectifs"
    ]


def test_empty_objectives_skip_the_priority_check(calaisis):
    calaisis["objectives"], calaisis["progress"] = [], []
    (contract,) = contract_documents_import(documents=[("calaisis.json", calaisis)])
    assert contract.objectives.count() == 0


def test_check_reports_without_saving(calaisis, neighbour):
    before = row_counts()
    assert contract_documents_check(documents=[("calaisis.json", calaisis)]) == []
    assert not Contract.objects.filter(reference=calaisis["reference"]).exists()
    assert row_counts() == before


def test_decimals_are_read_as_decimal_never_float():
    document = contract_document_load(name="x.json", text='{"a": 0.1, "b": "0.1", "c": 3}')
    assert document == {"a": Decimal("0.1"), "b": "0.1", "c": 3}
    assert isinstance(document["a"], Decimal)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": ', "x.json: JSON invalide (ligne 1, colonne 7)"),
        ('{"a": NaN}', "x.json: JSON invalide : valeur NaN interdite"),
    ],
)
def test_invalid_json(text, expected):
    with pytest.raises(ContractDocumentError) as error:
        contract_document_load(name="x.json", text=text)
    assert error.value.errors[0].startswith(expected)
