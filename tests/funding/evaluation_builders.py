"""Contracts to evaluate, written from domain.md (shared by the evaluation tests)."""

import datetime
from decimal import Decimal

from funding.enums import TrancheKind
from indicators.enums import EntryStatus
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TrancheFactory,
)

D = Decimal
END = datetime.date(2023, 12, 31)
REVIEWED = datetime.datetime(2024, 1, 15, 10, 0, tzinfo=datetime.UTC)

# The nine contractual objectives of the Calaisis COT TRI, three of them priority:
# (code, priority, indicator code, kind, accumulation, target, validated values by year-end).
CALAISIS = [
    ("O1", True, "renovations", "quantity", "sum", "1500", ["420", "800"]),
    ("O2", False, "pistes", "quantity", "sum", "50", ["50"]),
    ("O3", True, "regal", "milestone", "sum", "1", ["1"]),
    ("O4", True, "cot-enr", "milestone", "sum", "1", ["1"]),
    ("O5", False, "adaptation", "quantity", "sum", "10", ["10"]),
    ("O6", False, "ecoles", "quantity", "latest", "50", ["30", "50"]),
    ("O7", False, "haies", "quantity", "sum", "50", ["50"]),
    ("O8", False, "friches", "quantity", "sum", "26", ["26"]),
    ("O9", False, "rdi", "milestone", "sum", "1", ["1"]),
]


def entry(indicator, value, *, on, status=EntryStatus.VALIDATED, reviewed_at=REVIEWED):
    return ProgressEntryFactory(
        indicator=indicator,
        value=D(value),
        date=on,
        status=status,
        reviewed_at=reviewed_at if status == EntryStatus.VALIDATED else None,
    )


def calaisis_contract(*, renovations=("420", "800"), pending="35", **contract_kwargs):
    """The Calaisis contract of interfaces.md: O1 at 1220 / 1500 validated, 35 submitted."""
    fields = {
        "reference": "COTTRI-2021-CALAISIS",
        "title": "COT TRI du Pays du Calaisis 2021-2023",
        "population": 152_371,
        "start": datetime.date(2021, 1, 1),
        "end": END,
        **contract_kwargs,
    }
    contract = ContractFactory(**fields)
    TrancheFactory(
        contract=contract, label="Aide forfaitaire années 1 et 2", planned_amount=D("270000.00")
    )
    TrancheFactory(
        contract=contract,
        label="Bonus année 3",
        year=3,
        funder_id="ADEME",
        kind=TrancheKind.BONUS,
        planned_amount=None,
    )
    for order, (code, priority, ind_code, kind, accumulation, target, values) in enumerate(
        CALAISIS
    ):
        objective = ObjectiveFactory(
            contract=contract, code=code, priority=priority, order=order, title=f"Objectif {code}"
        )
        indicator = IndicatorFactory(
            objective=objective,
            code=ind_code,
            label=ind_code.capitalize(),
            unit="unités",
            kind=kind,
            accumulation=accumulation,
            target=D(target),
        )
        if code == "O1":
            values = renovations
        for year, value in enumerate(values, start=2021):
            entry(indicator, value, on=datetime.date(year, 12, 31))
        if code == "O1" and pending:
            entry(indicator, pending, on=datetime.date(2023, 6, 30), status=EntryStatus.SUBMITTED)
    return contract


def indicator_of(contract, code):
    from indicators.models import Indicator

    return Indicator.objects.get(objective__contract=contract, code=code)
