"""The year-3 bonus as a chef de projet reads it, and the « et si… » simulator.

Every figure comes from an evaluation (stored, previewed or simulated) through
``funding.evaluations``; this module only arranges it for the page. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from contracts.models import Contract
from french.input import parse_decimal
from funding.enums import TrancheStatus
from funding.evaluations import (
    SimulationError,
    contract_evaluation_preview,
    contract_simulate,
    objective_rows_fr,
)
from funding.models import Evaluation, EvaluationStatus, Tranche
from funding.services import contract_funding_totals, tranche_planned_amount
from indicators import perms
from indicators.models import Indicator

from .forms import DsfrMixin

member_required = login_required(login_url=reverse_lazy("espace:login"))


@dataclass
class TrancheRow:
    tranche: Tranche
    planned: Decimal | None  # the cap for a bonus not decided yet; None when unknown


@dataclass
class Schedule:
    rows: list[TrancheRow] = field(default_factory=list)
    planned: Decimal = Decimal("0.00")
    requested: Decimal = Decimal("0.00")  # planned amount of the tranches requested, not paid
    paid: Decimal = Decimal("0.00")


@dataclass
class BonusBlock:
    """What the contract page shows about the year-3 bonus (all figures from ``evaluation``)."""

    evaluation: Evaluation
    verdict: str  # « éligible », « non éligible », « erreur de configuration »
    objectives: list[dict]  # objective_rows_fr rows
    decided: Evaluation | None
    schedule: Schedule | None = None


def _verdict(evaluation: Evaluation) -> str:
    if evaluation.status == EvaluationStatus.CONFIGURATION_ERROR:
        return "erreur de configuration"
    return "éligible" if evaluation.eligible else "non éligible"


def contract_schedule(*, contract: Contract) -> Schedule:
    """The funding schedule, with the planned amounts of ``funding.services`` (one query)."""
    schedule = Schedule()
    for tranche in Tranche.objects.select_related("funder").filter(contract=contract):
        tranche.contract = contract
        planned = tranche_planned_amount(tranche=tranche)
        schedule.rows.append(TrancheRow(tranche, planned))
        if tranche.status == TrancheStatus.REQUESTED and planned is not None:
            schedule.requested += planned
    totals = contract_funding_totals(contract=contract)
    schedule.planned, schedule.paid = totals.planned, totals.paid
    return schedule


def bonus_block(*, contract: Contract, evaluation: Evaluation, schedule: bool = True) -> BonusBlock:
    """The bonus block of ``contract`` for ``evaluation`` (preview, snapshot or simulation)."""
    decided = Evaluation.objects.decided().filter(contract=contract).latest_first().first()
    return BonusBlock(
        evaluation=evaluation,
        verdict=_verdict(evaluation),
        objectives=objective_rows_fr(evaluation),
        decided=decided,
        schedule=contract_schedule(contract=contract) if schedule else None,
    )


def contract_for_user(user, reference: str) -> Contract:
    """The contract if ``user`` may read it, else 404 (whatever exists)."""
    contracts = perms.contracts_visible_to(user).select_related("programme", "territory")
    return get_object_or_404(contracts, reference=reference)


# --- Simulator ----------------------------------------------------------------------------------


class SimulationForm(DsfrMixin, forms.Form):
    """One optional text field per indicator: the level it would reach, typed the French way."""

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            unit = f" ({indicator.unit})" if indicator.unit else ""
            self.fields[self.field_name(indicator)] = forms.CharField(
                label=f"{indicator.objective.code} — {indicator.label}{unit}",
                required=False,
                max_length=40,
                help_text="Niveau atteint à la fin, par exemple 1 400 ou 17,5 ; vide : inchangé.",
            )

    @staticmethod
    def field_name(indicator: Indicator) -> str:
        return f"i{indicator.pk}"

    def levels(self) -> dict[int, Decimal]:
        """Indicator id → typed level, for the filled fields (call after is_valid)."""
        levels = {i.pk: self.cleaned_data.get(self.field_name(i)) for i in self.indicators}
        return {pk: level for pk, level in levels.items() if level is not None}

    def clean(self):
        data = super().clean()
        for indicator in self.indicators:
            name = self.field_name(indicator)
            text = (data.get(name) or "").strip()
            if not text:
                data[name] = None
                continue
            try:
                data[name] = parse_decimal(text)
            except ValueError as exc:
                self.add_error(name, f"{indicator.label} : {exc}.")
        return data


@member_required
@require_http_methods(["GET"])
def simulator(request, reference: str):
    """« Et si… » : a GET form (no JavaScript, nothing saved); the result reads like the page."""
    contract = contract_for_user(request.user, reference)
    indicators = list(
        Indicator.objects.filter(objective__contract=contract)
        .select_related("objective")
        .order_by("objective__order", "objective__code", "order", "code")
    )
    form = SimulationForm(request.GET or None, indicators=indicators)
    current = contract_evaluation_preview(contract=contract)
    simulated = None
    if form.is_bound and form.is_valid():
        try:
            evaluation = contract_simulate(contract=contract, levels=form.levels())
        except SimulationError as exc:
            indicator = next(i for i in indicators if i.pk == exc.indicator_id)
            form.add_error(form.field_name(indicator), f"{indicator.label} : {exc}.")
        else:
            simulated = bonus_block(contract=contract, evaluation=evaluation, schedule=False)
    return render(
        request,
        "espace/simulator.html",
        {
            "contract": contract,
            "form": form,
            "current": bonus_block(contract=contract, evaluation=current, schedule=False),
            "simulated": simulated,
        },
    )
