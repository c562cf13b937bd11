"""Semantic checks of a contract document that already matches the schema.

Each check names the JSON path of what is wrong; the checks read the database but never write.
What they resolve (programme, territory, existing contract, incontournables, catalogue entries) is
kept in a :class:`CheckedDocument` for the writer.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count

from contracts.enums import CONTRACT_TRANSITIONS, ContractStatus
from contracts.models import Contract, Incontournable, Programme
from french.input import parse_siret
from french.output import format_count, format_date
from funding.enums import TrancheStatus
from funding.funders import FunderIndex
from funding.models import Funder, Tranche
from indicators.entry_rules import date_error, duplicate_message
from indicators.enums import Direction
from indicators.models import Indicator, IndicatorDefinition
from territories.enums import TerritoryKind
from territories.models import Territory

Path = list[str | int]


@dataclass
class CheckedDocument:
    name: str
    document: dict[str, Any]
    programme: Programme | None = None
    territory: Territory | None = None  # None when the document describes a groupement
    groupement_type: str = ""
    contract: Contract | None = None  # the existing contract with this reference
    incontournables: dict[int, Incontournable] = field(default_factory=dict)
    definitions: dict[str, IndicatorDefinition] = field(default_factory=dict)
    funders: dict[int, Funder] = field(default_factory=dict)  # tranche index → funder
    errors: list[tuple[Path, str]] = field(default_factory=list)

    def error(self, path: Path, message: str) -> None:
        self.errors.append((path, message))


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return format_count(count, singular, plural)


def _french_date(value: str) -> str:
    return format_date(date.fromisoformat(value))


def document_check(*, name: str, document: dict[str, Any]) -> CheckedDocument:
    """Check one schema-valid document against the database and itself."""
    checked = CheckedDocument(name=name, document=document)
    checked.contract = (
        Contract.objects.select_related("programme").filter(reference=document["reference"]).first()
    )
    _check_programme(checked)
    _check_territory(checked)
    _check_dates_and_status(checked)
    _check_holder_siret(checked)
    _check_tranches(checked)
    _check_objectives(checked)
    _check_priority_count(checked)
    _check_removed_indicators(checked)
    _check_progress(checked)
    _check_contract_children(checked)
    return checked


def _check_programme(checked: CheckedDocument) -> None:
    code = checked.document["programme"]
    programme = Programme.objects.select_related("referential").filter(code=code).first()
    if programme is None:
        known = ", ".join(Programme.objects.order_by("code").values_list("code", flat=True))
        checked.error(
            ["programme"], f"le programme « {code} » n'existe pas (programmes connus : {known})"
        )
        return
    checked.programme = programme
    incontournables = Incontournable.objects.filter(referential=programme.referential)
    checked.incontournables = {item.number: item for item in incontournables}


def _check_territory(checked: CheckedDocument) -> None:
    territory = checked.document["territory"]
    if isinstance(territory, str):
        checked.territory = Territory.objects.filter(code=territory).first()
        if checked.territory is None:
            checked.error(
                ["territory"],
                f"le territoire « {territory} » n'existe pas "
                "(code INSEE, SIREN ou code de groupement attendu)",
            )
        return
    existing = Territory.objects.filter(code=territory["code"]).first()
    if existing is not None and existing.kind != TerritoryKind.GROUPEMENT:
        checked.error(
            ["territory", "code"],
            f"le code {territory['code']} est déjà celui d'un territoire de type "
            f"{existing.get_kind_display().lower()} ({existing.name}), pas d'un groupement",
        )
    checked.groupement_type = (
        territory.get("groupement_type")
        or (existing.groupement_type if existing is not None else "")
        or "autre"
    )
    members = territory["members"]
    found = set(Territory.objects.filter(code__in=members).values_list("code", flat=True))
    for index, code in enumerate(members):
        if code not in found:
            checked.error(
                ["territory", "members", index], f"le territoire membre « {code} » n'existe pas"
            )


def _check_dates_and_status(checked: CheckedDocument) -> None:
    document = checked.document
    start, end = document["start"], document["end"]
    if start and end and end < start:
        checked.error(
            ["end"],
            f"la fin ({_french_date(end)}) précède le début ({_french_date(start)})",
        )
    contract = checked.contract
    status = document["status"]
    if contract is not None and contract.status != status:
        allowed = CONTRACT_TRANSITIONS.get(contract.status, frozenset())
        if status not in allowed:
            checked.error(
                ["status"],
                f"le contrat {contract.reference} est « {ContractStatus(contract.status).label} » :"
                f" passage impossible à « {ContractStatus(status).label} »",
            )


def _check_holder_siret(checked: CheckedDocument) -> None:
    siret = checked.document.get("holder_siret")
    if siret:
        try:
            parse_siret(siret)
        except ValueError as error:
            checked.error(["holder_siret"], str(error))


def _check_tranches(checked: CheckedDocument) -> None:
    tranches = checked.document.get("tranches")
    if tranches is None:
        return
    seen: set[tuple[int, str]] = set()
    funders = FunderIndex()
    for index, tranche in enumerate(tranches):
        try:
            checked.funders[index] = funders.resolve(tranche["funder"])
        except ValidationError as error:
            checked.error(["tranches", index, "funder"], error.messages[0])
        key = (tranche["year"], tranche["label"])
        if key in seen:
            checked.error(
                ["tranches", index],
                f"tranche en double : « {tranche['label']} » (année {tranche['year']})",
            )
        seen.add(key)
    if checked.contract is None:
        return
    engaged = Tranche.objects.filter(contract=checked.contract).exclude(
        status=TrancheStatus.PLANNED
    )
    for tranche in engaged:
        if (tranche.year, tranche.label) not in seen:
            checked.error(
                ["tranches"],
                f"la tranche « {tranche.label} » (année {tranche.year}) est "
                f"« {tranche.get_status_display().lower()} » : elle ne peut pas être retirée",
            )


def _check_objectives(checked: CheckedDocument) -> None:
    objectives = checked.document["objectives"]
    definition_codes = {
        indicator["definition"]
        for objective in objectives
        for indicator in objective["indicators"]
        if indicator.get("definition")
    }
    checked.definitions = {
        definition.code: definition
        for definition in IndicatorDefinition.objects.filter(code__in=definition_codes)
    }
    seen: set[str] = set()
    for index, objective in enumerate(objectives):
        path: Path = ["objectives", index]
        code = objective["code"]
        if code in seen:
            checked.error([*path, "code"], f"code d'objectif en double : « {code} »")
        seen.add(code)
        number = objective["incontournable"]
        if checked.programme is not None and number not in checked.incontournables:
            checked.error(
                [*path, "incontournable"],
                f"l'incontournable {number} n'existe pas dans le programme "
                f"{checked.programme.code}",
            )
        indicator_codes: set[str] = set()
        for position, indicator in enumerate(objective["indicators"]):
            _check_indicator(checked, [*path, "indicators", position], indicator, indicator_codes)


def _check_indicator(
    checked: CheckedDocument, path: Path, indicator: dict[str, Any], seen: set[str]
) -> None:
    code = indicator["code"]
    if code in seen:
        checked.error([*path, "code"], f"code d'indicateur en double dans l'objectif : « {code} »")
    seen.add(code)
    baseline, target = Decimal(indicator["baseline"]), Decimal(indicator["target"])
    if target == baseline:
        checked.error(
            [*path, "target"],
            f"la cible ({indicator['target']}) est égale à la valeur de référence : "
            "le taux d'atteinte ne peut pas être calculé",
        )
    elif indicator["direction"] == Direction.DECREASE and target > baseline:
        checked.error(
            [*path, "target"],
            f"indicateur à la baisse : la cible ({indicator['target']}) doit être inférieure "
            f"à la valeur de référence ({indicator['baseline']})",
        )
    elif indicator["direction"] == Direction.INCREASE and target < baseline:
        checked.error(
            [*path, "target"],
            f"indicateur à la hausse : la cible ({indicator['target']}) doit être supérieure "
            f"à la valeur de référence ({indicator['baseline']})",
        )
    definition = indicator.get("definition")
    if definition and definition not in checked.definitions:
        checked.error(
            [*path, "definition"],
            f"l'indicateur « {definition} » n'existe pas dans le catalogue",
        )


def _check_priority_count(checked: CheckedDocument) -> None:
    """The rule's expected number of priority objectives must match the objectives' flags.

    A document may list only some objectives (the seeds give none or a few for some contracts,
    and interfaces.md's example shows one of the Calaisis' nine): flagging more priorities than
    expected is always wrong, flagging fewer only once the document lists at least as many
    objectives as the rule expects priorities.
    """
    objectives = checked.document["objectives"]
    priorities = [objective["code"] for objective in objectives if objective["priority"]]
    rule = checked.document.get("bonus_rule")
    if rule is not None:
        expected, path = rule["priority_count"], ["bonus_rule", "priority_count"]
        origin = "la règle de bonus du document"
    elif checked.contract is not None:
        expected, path = checked.contract.bonus_priority_count, ["objectives"]
        origin = f"la règle de bonus du contrat {checked.contract.reference}"
    elif checked.programme is not None:
        expected, path = checked.programme.bonus_priority_count, ["objectives"]
        origin = f"la règle de bonus par défaut du programme {checked.programme.code}"
    else:
        return
    too_many = len(priorities) > expected
    too_few = len(priorities) < expected and len(objectives) >= expected
    if too_many or too_few:
        marked = f" ({', '.join(priorities)})" if priorities else ""
        checked.error(
            path,
            f"{origin} attend {_plural(expected, 'objectif prioritaire', 'objectifs prioritaires')}"
            f", le document en marque {len(priorities)}{marked} "
            f"sur {_plural(len(objectives), 'objectif')}",
        )


def _check_removed_indicators(checked: CheckedDocument) -> None:
    if checked.contract is None:
        return
    positions = {
        objective["code"]: index for index, objective in enumerate(checked.document["objectives"])
    }
    kept = {
        (objective["code"], indicator["code"])
        for objective in checked.document["objectives"]
        for indicator in objective["indicators"]
    }
    with_entries = (
        Indicator.objects.filter(objective__contract=checked.contract)
        .annotate(entry_count=Count("entries"))
        .filter(entry_count__gt=0)
        .values_list("objective__code", "code", "entry_count")
        .order_by("objective__order", "objective__code", "order", "code")
    )
    for objective_code, code, count in with_entries:
        if (objective_code, code) in kept:
            continue
        entries = _plural(count, "saisie d'avancement", "saisies d'avancement")
        if objective_code in positions:
            checked.error(
                ["objectives", positions[objective_code], "indicators"],
                f"l'indicateur « {code} » de l'objectif {objective_code} a {entries} : "
                "il ne peut pas être supprimé",
            )
        else:
            checked.error(
                ["objectives"],
                f"l'objectif {objective_code} ne figure plus dans le document, mais son "
                f"indicateur « {code} » a {entries} : il ne peut pas être supprimé",
            )


def _check_progress(checked: CheckedDocument) -> None:
    progress = checked.document.get("progress")
    if progress is None:
        return
    indicators = {
        objective["code"]: {indicator["code"] for indicator in objective["indicators"]}
        for objective in checked.document["objectives"]
    }
    document = checked.document
    period = SimpleNamespace(start=_iso(document.get("start")), end=_iso(document.get("end")))
    # An end before the start is reported once, at $.end, not again under every value.
    period_ok = not (period.start and period.end and period.end < period.start)
    seen: dict[tuple, int] = {}
    for index, entry in enumerate(progress):
        objective = entry["objective"]
        day = _iso(entry["date"])
        if day is not None:
            # The write rules of every progress entry (indicators.entry_rules): one value per
            # indicator and date, dated within the contract's period.
            first = seen.setdefault((objective, entry["indicator"], day), index)
            if first != index:
                checked.error(
                    ["progress", index, "date"],
                    f"{duplicate_message(day)} (même indicateur et même date que "
                    f"$.progress[{first}])",
                )
            outside = period_ok and date_error(contract=period, date=day)
            if outside:
                checked.error(["progress", index, "date"], outside)
        if objective not in indicators:
            checked.error(
                ["progress", index, "objective"],
                f"l'objectif « {objective} » ne figure pas dans le document",
            )
        elif entry["indicator"] not in indicators[objective]:
            checked.error(
                ["progress", index, "indicator"],
                f"l'indicateur « {entry['indicator']} » n'existe pas dans l'objectif {objective}",
            )


def _iso(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None  # the schema check reports it


def _check_contract_children(checked: CheckedDocument) -> None:
    numbers: set[int] = set()
    for index, amendment in enumerate(checked.document.get("amendments", [])):
        if amendment["number"] in numbers:
            checked.error(
                ["amendments", index, "number"],
                f"numéro d'avenant en double : {amendment['number']}",
            )
        numbers.add(amendment["number"])
    documents: set[tuple[str, str]] = set()
    for index, item in enumerate(checked.document.get("documents", [])):
        key = (item["kind"], item["title"])
        if key in documents:
            checked.error(["documents", index], f"document en double : « {item['title']} »")
        documents.add(key)
