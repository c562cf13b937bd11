"""The seed contract documents (fixtures/contracts/) and the demo progress file (fixtures/demo/).

The documents must say only what the seeds say (figures included) and be importable as they are;
the demo file must give the demonstration its story: the Calaisis COT TRI misses its year-3 bonus
because of O1 alone.
"""

import csv
import io
import json
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

from indicators.rules import (
    BonusRule,
    EntryValue,
    IndicatorInput,
    IndicatorSpec,
    ObjectiveSpec,
    evaluate,
)

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS_DIR = ROOT / "fixtures" / "contracts"
DEMO_CSV = ROOT / "fixtures" / "demo" / "progress-demo.csv"
SCHEMA = ROOT / "exchange" / "documents" / "schema.json"

DOCUMENT_PATHS = sorted(CONTRACTS_DIR.glob("*.json"))
CALAISIS = "COTTRI-2021-CALAISIS"
BOULONNAIS = "COTRI-2016-BOULONNAIS"

# The keys interfaces.md requires (bonus_rule, tranches and progress may be omitted).
REQUIRED_KEYS = {
    "reference",
    "programme",
    "title",
    "territory",
    "holder",
    "signed_on",
    "start",
    "end",
    "status",
    "published",
    "population",
    "objectives",
}
# Keys holding decimal values; interfaces.md wants them as strings, never JSON numbers.
DECIMAL_KEYS = {
    "baseline",
    "target",
    "amount",
    "value",
    "per_inhabitant",
    "objective_threshold",
    "priority_threshold",
    "cap",
}
CATALOGUE = {
    "logements-renoves": "logements",
    "km-amenagements-cyclables": "km",
    "km-haies-plantees": "km",
    "ha-friches-requalifiees": "ha",
    "points-lumineux-renoves": "points lumineux",
}
EXPECTED_REFERENCES = {
    "COTRI-2016-MEL",
    BOULONNAIS,
    "COTRI-2016-PICARDIE-VERTE",
    "COTRI-2017-ARRAS",
    "COTRI-2017-COMPIEGNE",
    "COTRI-2017-SAMBRE-AVESNOIS",
    "COTRI-2017-FOURMIES",
    "COTRI-2017-GRANDE-SYNTHE",
    "COTRI-2017-LENS-LIEVIN",
    CALAISIS,
}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def document(reference: str) -> dict:
    return load(CONTRACTS_DIR / f"{reference}.json")


def walk(node, path="$"):
    """Yield (json path, key, value) for every key of every object in ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield f"{path}.{key}", key, value
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from walk(item, f"{path}[{index}]")


def test_every_seed_contract_has_its_document():
    assert {path.stem for path in DOCUMENT_PATHS} == EXPECTED_REFERENCES


@pytest.mark.parametrize("path", DOCUMENT_PATHS, ids=lambda p: p.stem)
def test_document_is_complete_and_named_by_its_reference(path):
    doc = load(path)

    assert doc.keys() >= REQUIRED_KEYS
    assert doc["reference"] == path.stem
    assert doc["published"] is True
    assert isinstance(doc["holder"], str) and doc["holder"]
    # Each document says where its figures come from, naming its seed file.
    assert "seeds/0" in doc["data_notes"]


@pytest.mark.parametrize("path", DOCUMENT_PATHS, ids=lambda p: p.stem)
def test_decimals_are_strings(path):
    for json_path, key, value in walk(load(path)):
        if key in DECIMAL_KEYS and value is not None and json_path != "$.population.value":
            assert isinstance(value, str), f"{json_path} : {value!r} devrait être une chaîne"
            Decimal(value)  # and a valid decimal


@pytest.mark.parametrize("path", DOCUMENT_PATHS, ids=lambda p: p.stem)
def test_document_matches_the_json_schema(path):
    if not SCHEMA.exists():
        pytest.skip("exchange/documents/schema.json absent : validation par le schéma sautée")
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(
        json.loads(SCHEMA.read_text(encoding="utf-8")),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    errors = [f"{e.json_path} : {e.message}" for e in validator.iter_errors(load(path))]
    assert errors == []


def test_calaisis_contract_figures_are_the_seed_ones():
    doc = document(CALAISIS)

    assert doc["programme"] == "COT-TRI"
    assert doc["holder"] == "SyMPaC"
    assert (doc["start"], doc["end"]) == ("2021-01-01", "2023-12-31")
    assert doc["population"]["value"] == 152371
    assert doc["territory"]["members"] == ["200090751", "200072478", "246200844"]
    objectives = doc["objectives"]
    assert [o["code"] for o in objectives] == [f"O{n}" for n in range(1, 10)]
    assert [o["incontournable"] for o in objectives] == list(range(7, 16))
    assert [o["code"] for o in objectives if o["priority"]] == ["O1", "O3", "O4"]
    assert doc["bonus_rule"]["priority_count"] == 3
    tranches = doc["tranches"]
    fixed = sum(Decimal(t["amount"]) for t in tranches if t["kind"] == "fixed")
    assert fixed == Decimal("270000")
    assert [t["label"] for t in tranches if t["kind"] == "bonus"] == ["Bonus année 3"]
    # 270 000 € + 1 €/habitant × 152 371 = 422 371 € over three years (the seed's total).
    assert fixed + Decimal(doc["bonus_rule"]["per_inhabitant"]) * 152371 == Decimal("422371")
    # The seeds give no progress value.
    assert "progress" not in doc


def test_calaisis_priority_objectives_carry_their_workbook():
    priority = [o for o in document(CALAISIS)["objectives"] if o["priority"]]

    for objective in priority:
        assert objective["findings"] and objective["links"] and objective["means"]
        assert objective["actions"] and objective["actors"]
    actions = {a["title"]: a for o in priority for a in o["actions"]}
    assert actions["Assises de l’alimentation"]["status"] == "en_cours"
    assert actions["Assises de l’alimentation"]["lead"] == "GCT&M"
    rev3 = [a for a in actions.values() if a.get("scheme") == "Démarche REV 3 (GCT&M)"]
    assert len(rev3) == 9


def test_boulonnais_protocol():
    doc = document(BOULONNAIS)

    assert doc["holder"] == "Communauté d’Agglomération du Boulonnais"
    assert doc["population"] == {"value": 162083, "vintage": None}
    assert doc["territory"]["members"] == ["246200729", "200018083", "246200380"]
    assert [len(o["indicators"]) for o in doc["objectives"]] == [2, 3, 1]
    targets = [i["target"] for o in doc["objectives"] for i in o["indicators"]]
    assert targets == ["2000", "90", "2000", "1500", "500", "5"]


def test_cotri_documents_keep_the_programme_bonus_rule():
    for path in DOCUMENT_PATHS:
        doc = load(path)
        if doc["programme"] == "COTRI":
            assert "bonus_rule" not in doc, path.stem
            assert not any(o["priority"] for o in doc["objectives"]), path.stem


# --- Demo progress file ---------------------------------------------------------------------


def demo_rows() -> list[dict]:
    text = DEMO_CSV.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_demo_rows_are_labelled_and_point_at_real_indicators():
    indicators = {
        (o["code"], i["code"]) for o in document(CALAISIS)["objectives"] for i in o["indicators"]
    }
    rows = demo_rows()

    assert {row["contract"] for row in rows} == {CALAISIS}
    assert all(row["comment"].startswith("[Démonstration] ") for row in rows)
    assert {row["status"] for row in rows} == {"validated", "submitted"}
    per_indicator = Counter((row["objective"], row["indicator"]) for row in rows)
    assert set(per_indicator) == indicators
    assert all(2 <= count <= 4 for count in per_indicator.values())
    dates = [datetime.strptime(row["date"], "%d/%m/%Y").date() for row in rows]
    assert all(date(2021, 1, 1) <= day <= date(2023, 12, 31) for day in dates)


def test_demo_evaluation_fails_on_o1_alone():
    doc = document(CALAISIS)
    rows = demo_rows()
    rule = doc["bonus_rule"]
    objectives = [
        ObjectiveSpec(
            code=o["code"],
            priority=o["priority"],
            indicators=tuple(
                IndicatorInput(
                    spec=IndicatorSpec(
                        code=i["code"],
                        kind=i["kind"],
                        direction=i["direction"],
                        accumulation=i["accumulation"],
                        baseline=Decimal(i["baseline"]),
                        target=Decimal(i["target"]),
                    ),
                    entries=tuple(
                        EntryValue(
                            value=Decimal(row["value"].replace(",", ".")),
                            date=datetime.strptime(row["date"], "%d/%m/%Y").date(),
                            status=row["status"],
                        )
                        for row in rows
                        if (row["objective"], row["indicator"]) == (o["code"], i["code"])
                    ),
                )
                for i in o["indicators"]
            ),
        )
        for o in doc["objectives"]
    ]

    result = evaluate(
        objectives,
        BonusRule(
            per_inhabitant=Decimal(rule["per_inhabitant"]),
            objective_threshold=Decimal(rule["objective_threshold"]),
            priority_threshold=Decimal(rule["priority_threshold"]),
            priority_count=rule["priority_count"],
            cap=None,
            mode=rule["mode"],
        ),
        population=doc["population"]["value"],
        as_of=date(2023, 12, 31),
        start=date(2021, 1, 1),
        end=date(2023, 12, 31),
    )

    assert result.eligible is False
    assert result.reasons == ("O1 (prioritaire) : 81,3 % < 100 %",)
    assert (result.bonus_cap, result.bonus_amount) == (Decimal("152371.00"), Decimal("0.00"))
    by_code = {o.code: o for o in result.objectives}
    o1 = by_code["O1"].indicators[0]
    assert (o1.level, o1.pending) == (Decimal("1220"), Decimal("35"))
    assert by_code["O5"].rate == Decimal("0.6") and by_code["O5"].met  # inclusive threshold
    assert all(o.rate >= Decimal("0.60") for o in result.objectives)


# --- Import (when the importer exists) --------------------------------------------------------


@pytest.mark.django_db
def test_every_document_imports(neighbour):
    commands = get_commands()
    if "import_contract" not in commands or "import_territories" not in commands:
        pytest.skip("commandes import_contract / import_territories pas encore disponibles")
    from contracts.models import Contract
    from indicators.models import IndicatorDefinition

    # The regional catalogue the documents point at; get_or_create keeps this test valid once a
    # data migration installs it.
    for code, unit in CATALOGUE.items():
        IndicatorDefinition.objects.get_or_create(code=code, defaults={"label": code, "unit": unit})
    call_command("import_territories", verbosity=0)
    call_command("import_contract", *map(str, DOCUMENT_PATHS), verbosity=0)

    # The seeds' contracts, and the neighbour's, which no seed names and the imports leave alone.
    references = set(Contract.objects.values_list("reference", flat=True))
    assert references == EXPECTED_REFERENCES | {neighbour.contract.reference}
    neighbour.assert_unchanged()
    calaisis = Contract.objects.get(reference=CALAISIS)
    assert calaisis.objectives.count() == 9
    assert calaisis.objectives.filter(priority=True).count() == 3
    assert calaisis.population == 152371
    assert calaisis.territory.members.count() == 3
    boulonnais = Contract.objects.get(reference=BOULONNAIS)
    assert boulonnais.objectives.count() == 3
    assert boulonnais.population == 162083
