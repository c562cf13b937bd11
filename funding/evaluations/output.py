"""What users read of an evaluation: the JSON of interfaces.md and a French summary."""

from __future__ import annotations

from decimal import Decimal

from french.output import format_date, format_datetime, format_iso_instant, format_number
from funding.models import Evaluation, EvaluationStatus
from indicators.rules import (
    format_euros_fr,
    format_rate_fr,
    format_threshold_fr,
    rate_for_output,
)

from .snapshot import decimal_text, threshold_text


def _rate(text: str | None) -> str | None:
    """Rounded DOWN to 4 decimals ("0.8133"): verdicts were made on the exact value."""
    return None if text is None else format(rate_for_output(Decimal(text)), "f")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _value(text: str | None) -> str | None:
    """ "1220.0000" → "1220": values as interfaces.md writes them."""
    return None if text is None else decimal_text(Decimal(text))


def _indicator(data: dict) -> dict:
    return {
        "code": data["code"],
        "level": _value(data["level"]),
        "target": _value(data["target"]),
        "rate": _rate(data["rate"]),
        "pending": _value(data["pending"]),
        "projected_rate": _rate(data["projected_rate"]),
        "rate_with_pending": _rate(data.get("rate_with_pending")),
        "missing": _value(data["missing"]),
    }


def _objective(data: dict) -> dict:
    return {
        "code": data["code"],
        "priority": data["priority"],
        "rate": _rate(data["rate"]),
        "threshold": threshold_text(Decimal(data["threshold"])),
        "met": data["met"],
        "missing": _value(data["missing"]),
        "projected_rate": _rate(data["projected_rate"]),
        "rate_with_pending": _rate(data.get("rate_with_pending")),
        "projected_met": data.get("projected_met"),
        "indicators": [_indicator(i) for i in data["indicators"]],
    }


def evaluation_to_json(evaluation: Evaluation) -> dict:
    """The evaluation JSON of interfaces.md, plus ``status``, ``errors`` and ``decided_at``.

    Rates are rounded down to 4 decimals; values are exact decimal strings. With configuration
    errors, ``eligible``, ``bonus_amount`` and the objectives' rates are ``null`` and ``errors``
    lists them (their messages are also the ``reasons``).
    """
    return {
        "contract": evaluation.contract.reference,
        "as_of": evaluation.as_of.isoformat(),
        "eligible": evaluation.eligible,
        "bonus_cap": _money(evaluation.bonus_cap),
        "bonus_amount": _money(evaluation.bonus_amount),
        "objectives": [_objective(o) for o in evaluation.objectives],
        "reasons": list(evaluation.reasons),
        "status": evaluation.status,
        "errors": list(evaluation.errors),
        "decided_at": format_iso_instant(evaluation.decided_at) if evaluation.decided_at else None,
    }


UNAVAILABLE_FR = "Évaluation du bonus non disponible"


def evaluation_is_public(evaluation: Evaluation) -> bool:
    """Whether the public may read this evaluation's verdict: never a configuration error
    (officers see it in the admin; the public reads ``UNAVAILABLE_FR``)."""
    return evaluation.status != EvaluationStatus.CONFIGURATION_ERROR


def evaluation_to_public_json(evaluation: Evaluation) -> dict:
    """``evaluation_to_json`` for readers who are not officers: an evaluation in configuration
    error gives ``status`` ``"unavailable"``, its reasons become ``[UNAVAILABLE_FR]`` and its
    errors are not listed (``eligible``, ``bonus_amount`` and the rates are already null)."""
    data = evaluation_to_json(evaluation)
    if not evaluation_is_public(evaluation):
        data.update(status="unavailable", reasons=[UNAVAILABLE_FR], errors=[])
    return data


def evaluation_headline_fr(evaluation: Evaluation) -> str:
    """« non éligible — bonus 0 € sur un plafond de 152 371 € »."""
    cap = (
        f"plafond de {format_euros_fr(evaluation.bonus_cap)}"
        if evaluation.bonus_cap is not None
        else "plafond inconnu"
    )
    if evaluation.status == EvaluationStatus.CONFIGURATION_ERROR:
        return f"erreur de configuration — aucun montant calculé ({cap})"
    verdict = "éligible" if evaluation.eligible else "non éligible"
    return f"{verdict} — bonus de {format_euros_fr(evaluation.bonus_amount)} sur un {cap}"


def evaluation_summary_fr(evaluation: Evaluation) -> str:
    """Several lines of French: the verdict, then each reason."""
    lines = [
        f"{evaluation.contract.reference} au {format_date(evaluation.as_of)} : "
        f"{evaluation_headline_fr(evaluation)}"
    ]
    lines += [f"  • {reason}" for reason in evaluation.reasons]
    if evaluation.decided_at:
        lines.append(f"  Décidée le {format_datetime(evaluation.decided_at)}.")
    return "\n".join(lines)


def objective_rows_fr(evaluation: Evaluation) -> list[dict]:
    """Per-objective rows for the admin table, with French formats."""
    rows = []
    for data in evaluation.objectives:
        rate = data["rate"]
        rows.append(
            {
                "code": data["code"],
                "title": data["title"],
                "priority": data["priority"],
                "rate": format_rate_fr(Decimal(rate)) if rate is not None else "—",
                "threshold": format_threshold_fr(Decimal(data["threshold"])),
                "met": data["met"],
                "missing": _missing_fr(data),
                "projected": _rate_fr(data["projected_rate"]),
                "with_pending": _rate_fr(data.get("rate_with_pending")),
                "projected_met": data.get("projected_met"),
                "errors": data["errors"],
                "indicators": [_indicator_fr(i) for i in data["indicators"]],
            }
        )
    return rows


def _rate_fr(text: str | None) -> str:
    """« 84,5 % », or « — » when there is no rate (snapshots older than the figure, errors)."""
    return format_rate_fr(Decimal(text)) if text is not None else "—"


def number_fr(text: str | None) -> str:
    """« 1 220 », « 17,5 »: a value of the evaluation JSON as ``french.output`` prints it."""
    return "—" if text is None else format_number(Decimal(text))


def _with_unit(text: str | None, unit: str) -> str:
    number = number_fr(text)
    return f"{number} {unit}" if text is not None and unit else number


def _missing_fr(data: dict) -> str:
    if data["met"]:
        return "—"
    if data["missing"] is not None:
        unit = data["indicators"][0]["unit"] if data["indicators"] else ""
        return _with_unit(data["missing"], unit)
    parts = [
        f"{i['label']} : {_with_unit(i['missing'], i['unit'])}"
        for i in data["indicators"]
        if i["missing"] is not None and Decimal(i["missing"])
    ]
    return " ; ".join(parts) or "—"


def _indicator_fr(data: dict) -> dict:
    rate = data["rate"]
    return {
        "code": data["code"],
        "label": data["label"],
        "level": _with_unit(data["level"], data["unit"]),
        "target": _with_unit(data["target"], data["unit"]),
        "rate": format_rate_fr(Decimal(rate)) if rate is not None else "—",
        "pending": _with_unit(data["pending"], data["unit"]) if data["pending"] else "—",
        "projected": _rate_fr(data["projected_rate"]),
        "with_pending": _rate_fr(data.get("rate_with_pending")),
        "missing": (
            _with_unit(data["missing"], data["unit"])
            if data["missing"] is not None and Decimal(data["missing"])
            else "—"
        ),
        "validated_entries": data["validated_entries"],
        "submitted_entries": data["submitted_entries"],
    }
