"""The grants of published contracts on the national SCDL « subventions » schema 2.1.1.

One row per contract and funder: the funder attributes the sum of its tranches of the contract's
funding schedule (a bonus not decided yet counts at the contract's cap, as in the funding
totals). The Table Schema in ``exchange/schemas/scdl-subventions-2.1.1.json`` (written from the
schema's published documentation) names the columns, in order, and documents them on the open
data page.

A row lacking a value the schema requires (the funder's SIRET, the signature date, the payment
period, an amount) cannot be published on the schema: it goes only to the companion file of
incomplete rows, which also lists the rows published without the holder's SIRET (optional in the
schema). SIRET numbers are entered by officers (funders, contracts); the seeds give none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from contracts.models import Contract
from exchange import exports
from funding.models import Tranche
from funding.services import tranche_planned_amount

SCHEMA_PATH = Path(__file__).parent / "schemas" / "scdl-subventions-2.1.1.json"
SCHEMA_URL = "https://schema.data.gouv.fr/scdl/subventions/2.1.1/"

NATURE = "aide en numéraire"  # the contracts' tranches are payments
# The tranches fund public bodies' territorial programmes, not de minimis aid to undertakings
# notified to the European Commission (regulation 1407/2013).
NOTIFICATION_UE = "non"
SINGLE_BENEFICIARY = Decimal("1.00")
OBJET_MAX = 256

_TYPES = {"string": "texte", "number": "décimal", "date": "date", "boolean": "booléen"}


@cache
def scdl_schema() -> dict[str, Any]:
    """The Table Schema (frictionless) of SCDL « subventions » 2.1.1, as shipped."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def scdl_columns() -> tuple[exports.Column, ...]:
    """The schema's fields as open data columns (name, French type, description), in order."""
    columns = []
    for spec in scdl_schema()["fields"]:
        kind = _TYPES.get(spec["type"], spec["type"])
        required = spec.get("constraints", {}).get("required", False)
        description = f"{'Obligatoire' if required else 'Facultatif'}. {spec['description']}"
        unit = "€" if spec["name"] == "montant" else ""
        columns.append(exports.Column(spec["name"], kind, unit, description))
    return tuple(columns)


INCOMPLETE_COLUMNS = (
    exports.Column("contrat", "texte", "", "Référence du contrat"),
    exports.Column("financeur", "texte", "", "Code du financeur"),
    exports.Column("nomAttribuant", "texte", "", "Nom officiel du financeur"),
    exports.Column("nomBeneficiaire", "texte", "", "Structure porteuse du contrat"),
    exports.Column(
        "champs_manquants",
        "texte",
        "",
        "Champs du schéma SCDL sans valeur, séparés par « | » (par ex. idAttribuant)",
    ),
    exports.Column(
        "dans_subventions",
        "booléen",
        "",
        "Vrai quand la ligne est tout de même publiée dans subventions.csv (il n'y manque qu'un "
        "champ facultatif)",
    ),
)


@dataclass
class Grant:
    """What one funder attributes to one contract, with what the SCDL row lacks."""

    contract: Contract
    funder_code: str
    funder_name: str
    funder_siret: str
    amount: Decimal = Decimal("0")
    undetermined: int = 0
    tranches: int = 0
    paid_on: list[date] = field(default_factory=list)

    def period(self) -> str | None:
        """« AAAA-MM-JJ » for a single paid tranche, else the contract's « début/fin »."""
        if self.tranches == 1 and self.paid_on:
            return self.paid_on[0].isoformat()
        start, end = self.contract.start, self.contract.end
        if start is None or end is None:
            return None
        return f"{start.isoformat()}/{end.isoformat()}"

    def missing(self) -> list[str]:
        """The SCDL fields without a value, required ones first."""
        missing = []
        if not self.funder_siret:
            missing.append("idAttribuant")
        if self.contract.signed_on is None:
            missing.append("dateConvention")
        if not self.contract.holder:
            missing.append("nomBeneficiaire")
        if self.undetermined:
            missing.append("montant")
        if self.period() is None:
            missing.append("datesPeriodeVersement")
        if not self.contract.holder_siret:
            missing.append("idBeneficiaire")
        return missing

    def publishable(self) -> bool:
        return set(self.missing()) <= {"idBeneficiaire"}

    def row(self) -> tuple:
        title = self.contract.title
        objet = title if len(title) <= OBJET_MAX else title[: OBJET_MAX - 1] + "…"
        return (
            self.funder_name,  # nomAttribuant
            self.funder_siret,  # idAttribuant
            self.contract.signed_on,  # dateConvention
            self.contract.reference,  # referenceDecision
            self.contract.holder,  # nomBeneficiaire
            self.contract.holder_siret,  # idBeneficiaire
            "",  # rnaBeneficiaire
            objet,  # objet
            self.amount,  # montant
            NATURE,  # nature
            "unique" if self.tranches == 1 else "échelonné",  # conditionsVersement
            self.period(),  # datesPeriodeVersement
            "",  # idRAE
            NOTIFICATION_UE,  # notificationUE
            SINGLE_BENEFICIARY,  # pourcentageSubvention
            "",  # dispositifAide
        )


def grants(contracts) -> list[Grant]:
    """The grants of ``contracts`` (a queryset), by contract reference then funder code (one
    query). Contracts without tranches attribute nothing and give no row."""
    tranches = (
        Tranche.objects.filter(contract__in=contracts)
        .select_related("contract", "funder")
        .order_by("contract__reference", "funder__code", "year", "order", "pk")
    )
    found: dict[tuple[int, str], Grant] = {}
    for tranche in tranches:
        key = (tranche.contract_id, tranche.funder_id)
        grant = found.get(key)
        if grant is None:
            funder = tranche.funder
            grant = found[key] = Grant(tranche.contract, funder.code, funder.name, funder.siret)
        grant.tranches += 1
        amount = tranche_planned_amount(tranche=tranche)
        if amount is None:
            grant.undetermined += 1
        else:
            grant.amount += amount
        if tranche.paid_on is not None:
            grant.paid_on.append(tranche.paid_on)
    return list(found.values())


def scdl_table(contracts) -> exports.Table:
    """The rows the schema accepts (every required value known)."""
    rows = [grant.row() for grant in grants(contracts) if grant.publishable()]
    return exports.Table("subventions", "Subventions (SCDL)", scdl_columns(), rows)


def incomplete_table(contracts) -> exports.Table:
    """Every grant missing a SCDL value, saying which and whether it is published anyway."""
    rows = [
        (
            grant.contract.reference,
            grant.funder_code,
            grant.funder_name,
            grant.contract.holder,
            " | ".join(grant.missing()),
            grant.publishable(),
        )
        for grant in grants(contracts)
        if grant.missing()
    ]
    return exports.Table(
        "subventions-incompletes", "Subventions incomplètes", INCOMPLETE_COLUMNS, rows
    )
