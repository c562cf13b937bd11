"""The validated level of indicators computed by the database, for pages that read many of them.

``validated_level(today)`` is an expression to annotate an ``Indicator`` queryset with the level
of ``indicators.rules.indicator_level`` at its contract's default date (the earlier of ``today``
and the contract's end, ``funding.evaluations.loading.default_as_of``), from validated entries
only: ``sum``, the baseline plus the validated values dated on or before that date; ``latest``,
the latest of them (later review, then later entry, on a tie), else the baseline. One correlated
subquery per indicator, served by the (indicator, status, date) index: the regional overview's
catalogue totals and the fiche's comparison with similar territories read it in one aggregate.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from indicators.enums import Accumulation, EntryStatus
from indicators.models import ProgressEntry

LEVEL_FIELD = DecimalField(max_digits=30, decimal_places=4)


def _counted(today: date) -> QuerySet[ProgressEntry]:
    """The validated entries of the outer ``Indicator`` dated on or before its contract's
    default date (the outer query's contract end; no join in the subquery: one range of the
    (indicator, status, date) index)."""
    return ProgressEntry.objects.filter(
        indicator=OuterRef("pk"), status=EntryStatus.VALIDATED, date__lte=today
    ).filter(Q(date__lte=Coalesce(OuterRef("objective__contract__end"), Value(today))))


def has_validated_value(today: date) -> Exists:
    """Whether the annotated ``Indicator`` has a validated value counted at its contract's
    default date (its level is then more than its baseline alone)."""
    return Exists(_counted(today))


def validated_level(today: date) -> Case:
    """Level (Decimal, in the indicator's unit) of the annotated ``Indicator`` at its contract's
    default date; ``today`` is the local date (``timezone.localdate()``)."""
    counted = _counted(today)
    summed = Subquery(
        counted.order_by().values("indicator").annotate(total=Sum("value")).values("total"),
        output_field=LEVEL_FIELD,
    )
    latest = Subquery(
        counted.order_by("-date", F("reviewed_at").desc(nulls_last=True), "-pk").values("value")[
            :1
        ],
        output_field=LEVEL_FIELD,
    )
    return Case(
        When(
            accumulation=Accumulation.SUM,
            then=F("baseline") + Coalesce(summed, Value(Decimal(0)), output_field=LEVEL_FIELD),
        ),
        default=Coalesce(latest, F("baseline"), output_field=LEVEL_FIELD),
        output_field=LEVEL_FIELD,
    )
