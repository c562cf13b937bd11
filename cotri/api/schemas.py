"""Response schemas. Decimals are strings ("1500", "0.8133") as everywhere in cotri's JSON."""

from datetime import date
from typing import Any

from ninja import Field, Schema

# The type of a 422 error raised by a business rule: its message is already in French.
RULE_ERROR = "cotri_rule"


class ErrorOut(Schema):
    detail: str = Field(description="Message d'erreur en français.")


class FieldErrorOut(Schema):
    champ: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    erreurs: list[FieldErrorOut]


class TerritoryOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    departement_code: str
    region_code: str
    population: int | None
    population_vintage: int | None


class ProgrammeOut(Schema):
    code: str
    name: str
    short_name: str
    description: str
    default_duration_years: int


class ContractSummaryOut(Schema):
    reference: str
    title: str
    programme: str = Field(description="Code du programme.")
    territory: str = Field(description="Code du territoire.")
    territory_name: str
    departement_code: str
    holder: str
    status: str
    status_label: str
    signed_on: date | None
    start: date | None
    end: date | None
    population: int | None
    published: bool


class IndicatorRateOut(Schema):
    code: str
    label: str
    unit: str
    kind: str
    direction: str
    accumulation: str
    baseline: str
    target: str
    level: str | None = Field(description="Niveau atteint (valeurs validées seulement).")
    rate: str | None = Field(description="Taux d'atteinte, arrondi par défaut à 4 décimales.")


class ObjectiveRateOut(Schema):
    code: str
    title: str
    incontournable: int
    priority: bool
    rate: str | None
    threshold: str | None
    met: bool | None
    indicators: list[IndicatorRateOut]


class ObjectivesOut(Schema):
    contract: str
    as_of: date
    objectives: list[ObjectiveRateOut]


ContractDocumentOut = dict[str, Any]
EvaluationOut = dict[str, Any]


class LegacyErrorOut(Schema):
    """The evaluation endpoint's error body, kept as it was before the API moved to ninja."""

    erreur: str


class ComparedIndicatorOut(Schema):
    """One catalogue indicator against similar territories (ADR 0017); values per
    ``per_inhabitants`` inhabitants, decimal strings to the hundredth."""

    definition: str
    label: str
    unit: str
    available: bool
    value: str | None
    median: str | None
    rank: int | None
    territories: int
    reason: str | None
    demonstration: bool


class ComparisonOut(Schema):
    contract: str
    territory_kind: str
    engaged: bool
    per_inhabitants: int
    minimum_territories: int
    indicators: list[ComparedIndicatorOut]
