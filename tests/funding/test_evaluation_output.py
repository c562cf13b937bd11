"""What users read of an evaluation, read in full: the JSON of the API and of the `evaluate`
command, what the public may read, and the French texts of the admin, the chef's page, the PDFs.

The evaluations are built in memory with the snapshot's shape (``snapshot.py``), so that every
case a stored snapshot can hold is written once here: an objective missing its figures, an older
snapshot without the projection, an indicator with nothing missing.
"""

import datetime
from decimal import Decimal

import pytest

from contracts.models import Contract
from funding.evaluations import (
    UNAVAILABLE_FR,
    evaluation_headline_fr,
    evaluation_is_public,
    evaluation_summary_fr,
    evaluation_to_json,
    evaluation_to_public_json,
    objective_rows_fr,
)
from funding.evaluations.output import number_fr
from funding.models import Evaluation, EvaluationStatus

D = Decimal
NNBSP, NBSP = "\u202f", "\u00a0"  # thousands separator, space before €
DECIDED = datetime.datetime(2024, 1, 15, 10, 0, tzinfo=datetime.UTC)  # 11:00 in Paris


def _indicator(code, **fields):
    return {
        "code": code,
        "label": code.capitalize(),
        "unit": "logements",
        "kind": "quantity",
        "accumulation": "sum",
        "baseline": "0.0000",
        "target": "1500.0000",
        "level": "1220.0000",
        "rate": "0.8133333333",
        "pending": "35.0000",
        "missing": "280.0000",
        "projected_rate": "0.8416666666",
        "rate_with_pending": "0.8366666666",
        "validated_entries": 2,
        "submitted_entries": 1,
        **fields,
    }


def _objective(code, **fields):
    return {
        "code": code,
        "title": f"Objectif {code}",
        "priority": False,
        "threshold": "1.00",
        "rate": "1.0000000000",
        "met": True,
        "missing": None,
        "projected_rate": "1.0000000000",
        "rate_with_pending": "1.0000000000",
        "projected_met": True,
        "errors": [],
        "indicators": [],
        **fields,
    }


# O1: priority, one indicator, not met; O2: met; O3: two indicators, the objective's own missing
# figure unknown; O4: an older snapshot (no projection keys), no rate, an error, no indicator.
OBJECTIVES = [
    _objective(
        "O1",
        priority=True,
        rate="0.8133333333",
        met=False,
        missing="280.0000",
        projected_rate="0.8416666666",
        rate_with_pending="0.8366666666",
        projected_met=False,
        indicators=[_indicator("renovations")],
    ),
    _objective(
        "O2",
        threshold="0.6",
        rate="0.6250000000",
        indicators=[
            _indicator(
                "pistes",
                unit="km",
                target="40.0000",
                level="25.0000",
                rate="0.6250000000",
                pending=None,
                missing="0.0000",
                projected_rate=None,
                rate_with_pending=None,
                validated_entries=1,
                submitted_entries=0,
            )
        ],
    ),
    _objective(
        "O3",
        threshold="0.625",
        rate="0.5000000000",
        met=False,
        projected_rate=None,
        rate_with_pending=None,
        projected_met=None,
        indicators=[
            _indicator(
                "haies",
                unit="km",
                target="35.0000",
                level="17.5000",
                rate="0.5000000000",
                pending="0",
                missing="12.5000",
                projected_rate=None,
            ),
            _indicator(
                "ecoles",
                unit="",
                target="50.0000",
                level="50.0000",
                rate="1.0000000000",
                pending="2.0000",
                missing="0",
                projected_rate=None,
            ),
            _indicator(
                "friches",
                target="26.0000",
                level=None,
                rate=None,
                pending=None,
                missing=None,
                projected_rate=None,
                rate_with_pending=None,
            ),
        ],
    ),
    {
        key: value
        for key, value in _objective(
            "O4",
            rate=None,
            met=False,
            missing="3.0000",
            projected_rate=None,
            errors=["O4 : aucun indicateur"],
        ).items()
        if key not in ("rate_with_pending", "projected_met")
    },
]


def evaluation(**fields) -> Evaluation:
    values = {
        "contract": Contract(reference="COTTRI-2021-CALAISIS"),
        "as_of": datetime.date(2023, 12, 31),
        "status": EvaluationStatus.NOT_ELIGIBLE,
        "eligible": False,
        "bonus_cap": D("152371.00"),
        "bonus_amount": D("0.00"),
        "objectives": OBJECTIVES,
        "reasons": ["O1 (prioritaire) : 81,3 % < 100 %", "O3 : 50 % < 62,5 %"],
        "errors": [],
        **fields,
    }
    return Evaluation(**values)


def configuration_error(**fields) -> Evaluation:
    return evaluation(
        status=EvaluationStatus.CONFIGURATION_ERROR,
        eligible=None,
        bonus_amount=None,
        objectives=[],
        reasons=["Population de référence manquante."],
        errors=[{"path": "population", "message": "Population de référence manquante."}],
        **fields,
    )


def test_the_json_writes_rates_rounded_down_and_values_as_interfaces_md_does():
    assert evaluation_to_json(evaluation()) == {
        "contract": "COTTRI-2021-CALAISIS",
        "as_of": "2023-12-31",
        "eligible": False,
        "bonus_cap": "152371.00",
        "bonus_amount": "0.00",
        "objectives": [
            {
                "code": "O1",
                "priority": True,
                "rate": "0.8133",
                "threshold": "1.00",
                "met": False,
                "missing": "280",
                "projected_rate": "0.8416",
                "rate_with_pending": "0.8366",
                "projected_met": False,
                "indicators": [
                    {
                        "code": "renovations",
                        "level": "1220",
                        "target": "1500",
                        "rate": "0.8133",
                        "pending": "35",
                        "projected_rate": "0.8416",
                        "rate_with_pending": "0.8366",
                        "missing": "280",
                    }
                ],
            },
            {
                "code": "O2",
                "priority": False,
                "rate": "0.6250",
                "threshold": "0.60",
                "met": True,
                "missing": None,
                "projected_rate": "1.0000",
                "rate_with_pending": "1.0000",
                "projected_met": True,
                "indicators": [
                    {
                        "code": "pistes",
                        "level": "25",
                        "target": "40",
                        "rate": "0.6250",
                        "pending": None,
                        "projected_rate": None,
                        "rate_with_pending": None,
                        "missing": "0",
                    }
                ],
            },
            {
                "code": "O3",
                "priority": False,
                "rate": "0.5000",
                "threshold": "0.625",
                "met": False,
                "missing": None,
                "projected_rate": None,
                "rate_with_pending": None,
                "projected_met": None,
                "indicators": [
                    {
                        "code": "haies",
                        "level": "17.5",
                        "target": "35",
                        "rate": "0.5000",
                        "pending": "0",
                        "projected_rate": None,
                        "rate_with_pending": "0.8366",
                        "missing": "12.5",
                    },
                    {
                        "code": "ecoles",
                        "level": "50",
                        "target": "50",
                        "rate": "1.0000",
                        "pending": "2",
                        "projected_rate": None,
                        "rate_with_pending": "0.8366",
                        "missing": "0",
                    },
                    {
                        "code": "friches",
                        "level": None,
                        "target": "26",
                        "rate": None,
                        "pending": None,
                        "projected_rate": None,
                        "rate_with_pending": None,
                        "missing": None,
                    },
                ],
            },
            {
                "code": "O4",
                "priority": False,
                "rate": None,
                "threshold": "1.00",
                "met": False,
                "missing": "3",
                "projected_rate": None,
                # A snapshot older than the figures: read as unknown, not as an error.
                "rate_with_pending": None,
                "projected_met": None,
                "indicators": [],
            },
        ],
        "reasons": ["O1 (prioritaire) : 81,3 % < 100 %", "O3 : 50 % < 62,5 %"],
        "status": "not_eligible",
        "errors": [],
        "decided_at": None,
    }


def test_the_json_of_a_decided_evaluation_gives_the_decision_instant_in_paris_time():
    data = evaluation_to_json(evaluation(decided_at=DECIDED))

    assert data["decided_at"] == "2024-01-15T11:00:00+01:00"


def test_the_json_of_a_configuration_error_lists_its_errors_for_officers():
    data = evaluation_to_json(configuration_error())

    assert {k: v for k, v in data.items() if k != "objectives"} == {
        "contract": "COTTRI-2021-CALAISIS",
        "as_of": "2023-12-31",
        "eligible": None,
        "bonus_cap": "152371.00",
        "bonus_amount": None,
        "reasons": ["Population de référence manquante."],
        "status": "configuration_error",
        "errors": [{"path": "population", "message": "Population de référence manquante."}],
        "decided_at": None,
    }


def test_the_public_reads_a_verdict_as_officers_do_but_never_a_configuration_error():
    for status, eligible in (
        (EvaluationStatus.ELIGIBLE, True),
        (EvaluationStatus.NOT_ELIGIBLE, False),
    ):
        verdict = evaluation(status=status, eligible=eligible)
        assert evaluation_is_public(verdict)
        assert evaluation_to_public_json(verdict) == evaluation_to_json(verdict)

    error = configuration_error()
    assert not evaluation_is_public(error)
    assert evaluation_to_public_json(error) == {
        **evaluation_to_json(error),
        "status": "unavailable",
        "reasons": ["Évaluation du bonus non disponible"],
        "errors": [],
    }
    assert UNAVAILABLE_FR == "Évaluation du bonus non disponible"


def test_the_headline_says_the_verdict_the_bonus_and_the_cap_in_french():
    assert evaluation_headline_fr(evaluation()) == (
        f"non éligible — bonus de 0{NBSP}€ sur un plafond de 152{NNBSP}371{NBSP}€"
    )
    assert evaluation_headline_fr(
        evaluation(status=EvaluationStatus.ELIGIBLE, eligible=True, bonus_amount=D("76185.50"))
    ) == (f"éligible — bonus de 76{NNBSP}185,50{NBSP}€ sur un plafond de 152{NNBSP}371{NBSP}€")
    assert evaluation_headline_fr(evaluation(bonus_cap=None)) == (
        f"non éligible — bonus de 0{NBSP}€ sur un plafond inconnu"
    )


def test_the_headline_of_a_configuration_error_announces_no_amount():
    assert evaluation_headline_fr(configuration_error()) == (
        f"erreur de configuration — aucun montant calculé (plafond de 152{NNBSP}371{NBSP}€)"
    )
    assert evaluation_headline_fr(configuration_error(bonus_cap=None)) == (
        "erreur de configuration — aucun montant calculé (plafond inconnu)"
    )


def test_the_summary_of_the_command_gives_the_verdict_each_reason_and_the_decision():
    assert evaluation_summary_fr(evaluation()) == (
        f"COTTRI-2021-CALAISIS au 31/12/2023 : non éligible — bonus de 0{NBSP}€ sur un plafond "
        f"de 152{NNBSP}371{NBSP}€\n"
        "  • O1 (prioritaire) : 81,3 % < 100 %\n"
        "  • O3 : 50 % < 62,5 %"
    )
    assert evaluation_summary_fr(evaluation(reasons=[], decided_at=DECIDED)).splitlines() == [
        f"COTTRI-2021-CALAISIS au 31/12/2023 : non éligible — bonus de 0{NBSP}€ sur un plafond "
        f"de 152{NNBSP}371{NBSP}€",
        "  Décidée le 15/01/2024 à 11:00.",
    ]


def test_the_objective_rows_of_the_pages_are_in_french_with_units():
    rows = objective_rows_fr(evaluation())

    renovations = {
        "code": "renovations",
        "label": "Renovations",
        "level": f"1{NNBSP}220 logements",
        "target": f"1{NNBSP}500 logements",
        "rate": "81,3 %",
        "pending": "35 logements",
        "projected": "84,1 %",
        "with_pending": "83,6 %",
        "missing": "280 logements",
        "validated_entries": 2,
        "submitted_entries": 1,
    }
    assert rows[0] == {
        "code": "O1",
        "title": "Objectif O1",
        "priority": True,
        "rate": "81,3 %",
        "threshold": "100 %",
        "met": False,
        "missing": "280 logements",
        "projected": "84,1 %",
        "with_pending": "83,6 %",
        "projected_met": False,
        "errors": [],
        "indicators": [renovations],
    }
    assert rows[1] == {
        "code": "O2",
        "title": "Objectif O2",
        "priority": False,
        "rate": "62,5 %",
        "threshold": "60 %",
        "met": True,
        "missing": "—",  # met: nothing is missing, whatever the figures say
        "projected": "100,0 %",
        "with_pending": "100,0 %",
        "projected_met": True,
        "errors": [],
        "indicators": [
            {
                "code": "pistes",
                "label": "Pistes",
                "level": "25 km",
                "target": "40 km",
                "rate": "62,5 %",
                "pending": "—",
                "projected": "—",
                "with_pending": "—",
                "missing": "—",  # zero missing is no shortfall
                "validated_entries": 1,
                "submitted_entries": 0,
            }
        ],
    }


def test_an_objective_without_its_own_missing_figure_names_each_indicator_short_of_target():
    o3 = objective_rows_fr(evaluation())[2]

    # Only « haies » is short: « ecoles » misses nothing and « friches » has no figure.
    assert o3["missing"] == "Haies : 12,5 km"
    assert (o3["threshold"], o3["projected"], o3["with_pending"], o3["projected_met"]) == (
        "62,5 %",
        "—",
        "—",
        None,
    )
    assert o3["indicators"] == [
        {
            "code": "haies",
            "label": "Haies",
            "level": "17,5 km",
            "target": "35 km",
            "rate": "50,0 %",
            "pending": "0 km",
            "projected": "—",
            "with_pending": "83,6 %",
            "missing": "12,5 km",
            "validated_entries": 2,
            "submitted_entries": 1,
        },
        {
            "code": "ecoles",
            "label": "Ecoles",
            "level": "50",  # no unit: the number alone
            "target": "50",
            "rate": "100,0 %",
            "pending": "2",
            "projected": "—",
            "with_pending": "83,6 %",
            "missing": "—",
            "validated_entries": 2,
            "submitted_entries": 1,
        },
        {
            "code": "friches",
            "label": "Friches",
            "level": "—",
            "target": "26 logements",
            "rate": "—",
            "pending": "—",
            "projected": "—",
            "with_pending": "—",
            "missing": "—",
            "validated_entries": 2,
            "submitted_entries": 1,
        },
    ]


def test_two_indicators_short_of_target_are_both_named():
    objective = _objective(
        "O5",
        met=False,
        indicators=[
            _indicator("haies", unit="km", missing="12.5000"),
            _indicator("ecoles", unit="écoles", missing="3"),
        ],
    )

    (row,) = objective_rows_fr(evaluation(objectives=[objective]))

    assert row["missing"] == "Haies : 12,5 km ; Ecoles : 3 écoles"


def test_an_objective_short_of_target_with_no_figure_anywhere_shows_a_dash():
    objective = _objective("O6", met=False, indicators=[_indicator("haies", missing=None)])

    (row,) = objective_rows_fr(evaluation(objectives=[objective]))

    assert row["missing"] == "—"


def test_an_objective_missing_a_figure_without_indicator_shows_the_number_alone():
    o4 = objective_rows_fr(evaluation())[3]

    assert o4 == {
        "code": "O4",
        "title": "Objectif O4",
        "priority": False,
        "rate": "—",
        "threshold": "100 %",
        "met": False,
        "missing": "3",
        "projected": "—",
        "with_pending": "—",  # older snapshot: the figure did not exist
        "projected_met": None,
        "errors": ["O4 : aucun indicateur"],
        "indicators": [],
    }


@pytest.mark.parametrize(
    ("text", "shown"),
    [(None, "—"), ("1220.5000", f"1{NNBSP}220,5"), ("0", "0"), ("17.50", "17,5")],
)
def test_a_value_of_the_json_is_printed_the_french_way(text, shown):
    assert number_fr(text) == shown
