"""django-import-export resources for territories, and the French widgets every resource shares.

What French spreadsheet software writes is accepted: UTF-8 (with or without BOM) or Windows-1252,
``;`` or ``,`` separators, ``DD/MM/YYYY`` dates, decimal commas, spaces between thousands,
« oui » / « non ». Widget errors are ``ValueError`` with a French message: import-export files them
under the column, and the admin shows « Ligne N : colonne : message ».
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import RowResult

from french.input import parse_date, parse_decimal
from french.output import format_date
from territories.enums import EpciType, GroupementType, TerritoryKind
from territories.models import Territory

# Cells past the last header (an unquoted decimal comma in a "," file): reported, never dropped.
EXTRA_CELLS = "__cellules_en_trop__"


def decode_text(content: bytes | str) -> str:
    """UTF-8 (BOM or not) first, then Windows-1252, which accepts nearly any byte."""
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252")


class FrenchCSV(base_formats.CSV):
    """CSV as written by a French spreadsheet: any of the two encodings, ``;`` or ``,``."""

    def get_title(self):
        return "csv"

    def is_binary(self):
        # Read as bytes so that the encoding is guessed here, not imposed by the admin.
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text = decode_text(in_stream)
        first_line = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next((row for row in reader if any(c.strip() for c in row)), [])
        width = len(header)
        # Blank lines are kept (and skipped by the resources) so that row N is line N + 1.
        dataset = tablib.Dataset(headers=[c.strip().lower() for c in header] + [EXTRA_CELLS])
        for row in reader:
            cells = [c.strip() for c in row]
            extra = " ; ".join(c for c in cells[width:] if c)
            dataset.append(cells[:width] + [""] * (width - len(cells)) + [extra])
        return dataset


class FrenchXLSX(base_formats.XLSX):
    """First sheet; headers are trimmed and lower-cased like the CSV's."""

    def create_dataset(self, in_stream):
        sheet = super().create_dataset(in_stream)
        dataset = tablib.Dataset(headers=[_text(h).lower() for h in sheet.headers])
        for row in sheet:
            dataset.append(row)
        return dataset


IMPORT_FORMATS = [FrenchCSV, FrenchXLSX]
EXPORT_FORMATS = [base_formats.CSV, base_formats.XLSX]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def parse_french_decimal(value) -> Decimal | None:
    """« 1 500,5 », "1500.5", 1500.5 (a spreadsheet cell) → Decimal; blank → None."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(f"nombre invalide « {value} »")
    if isinstance(value, int | float):
        # A spreadsheet cell: repr() keeps the shortest text that gives the same float (0.1
        # stays 0.1, 1e-05 too).
        try:
            number = Decimal(repr(value))
        except InvalidOperation:
            raise ValueError(f"nombre invalide « {value} »") from None
        if not number.is_finite():
            raise ValueError(f"nombre invalide « {value} »")
        return number
    text = _text(value)
    if not text:
        return None
    # Typed text: the same rules as every French number input (french.input).
    return parse_decimal(text, allow_negative=True)


def parse_french_date(value) -> datetime.date | None:
    """``DD/MM/YYYY`` or ``YYYY-MM-DD`` (or a spreadsheet date cell); blank → None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    return parse_date(text)


class FrenchDecimalWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_french_decimal(value)


class FrenchIntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        number = parse_french_decimal(value)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValueError(f"nombre entier attendu, pas « {_text(value)} »")
        return int(number)


class FrenchDateWidget(widgets.DateWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_french_date(value)

    def render(self, value, obj=None, **kwargs):
        return format_date(value) if value else ""


class FrenchBooleanWidget(widgets.BooleanWidget):
    TRUE_WORDS = {"1", "oui", "o", "vrai", "true", "x"}
    FALSE_WORDS = {"0", "non", "n", "faux", "false", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if text in self.TRUE_WORDS:
            return True
        if text in self.FALSE_WORDS:
            return False
        raise ValueError(f"« {_text(value)} » : attendu oui ou non")

    def render(self, value, obj=None, **kwargs):
        return "oui" if value else "non"


class ChoiceWidget(widgets.CharWidget):
    """A choice given by its code or its French label (« Communauté de communes » or CC)."""

    def __init__(self, choices, *, blank: bool = False):
        super().__init__()
        self.blank = blank
        self.words = {}
        for code, label in choices:
            self.words[str(code).lower()] = code
            self.words[str(label).lower()] = code
        self.codes = ", ".join(str(code) for code, _ in choices)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text and self.blank:
            return ""
        try:
            return self.words[text.lower()]
        except KeyError:
            raise ValueError(f"valeur inconnue « {text} » (attendu : {self.codes})") from None


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by one of its fields, with a French error when nothing matches."""

    def __init__(self, model, field, *, label: str):
        super().__init__(model, field)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        try:
            return self.get_queryset(text, row, **kwargs).get(**{self.field: text})
        except self.model.DoesNotExist:
            raise ValueError(f"{self.label} « {text} » introuvable") from None


def check_columns(headers, *, required, known) -> None:
    """The header names every required column and no unknown one (a typo would be ignored)."""
    headers = [h for h in (headers or []) if h and h != EXTRA_CELLS]
    missing = [c for c in required if c not in headers]
    unknown = [c for c in headers if c not in known]
    problems = []
    if missing:
        problems.append("colonne(s) obligatoire(s) absente(s) : " + ", ".join(missing))
    if unknown:
        problems.append(
            f"colonne(s) inconnue(s) : {', '.join(unknown)} "
            f"(colonnes possibles : {', '.join(known)})"
        )
    if problems:
        raise ValueError("ligne 1 (en-tête) : " + " ; ".join(problems))


class FrenchRowsMixin:
    """Blank lines are skipped; cells past the last column are an error of their line."""

    def import_row(self, row, instance_loader, **kwargs):
        cells = [value for name, value in row.items() if name != EXTRA_CELLS]
        extra = _text(row.get(EXTRA_CELLS))
        if not extra and not any(_text(value) for value in cells):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        if extra:
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(
                f"cellules au-delà de la dernière colonne (« {extra} ») : une virgule décimale "
                "dans un fichier séparé par des virgules ? Mettez la valeur entre guillemets "
                "ou séparez les colonnes par « ; »."
            )
            return row_result
        return super().import_row(row, instance_loader, **kwargs)


class TerritoryResource(FrenchRowsMixin, resources.ModelResource):
    """One territory per line, found by its code (INSEE, SIREN or groupement code).

    Members are not part of the file: EPCI members come from ``import_territories`` and
    groupement members are edited on the territory's page.
    """

    code = fields.Field("code", "code", widget=widgets.CharWidget())
    kind = fields.Field("kind", "kind", widget=ChoiceWidget(TerritoryKind.choices))
    epci_type = fields.Field(
        "epci_type", "epci_type", widget=ChoiceWidget(EpciType.choices, blank=True)
    )
    groupement_type = fields.Field(
        "groupement_type",
        "groupement_type",
        widget=ChoiceWidget(GroupementType.choices, blank=True),
    )
    parent = fields.Field(
        "parent", "parent", widget=LookupWidget(Territory, "code", label="territoire parent")
    )
    population = fields.Field("population", "population", widget=FrenchIntegerWidget())
    population_vintage = fields.Field(
        "population_vintage", "population_vintage", widget=FrenchIntegerWidget()
    )

    class Meta:
        model = Territory
        fields = (
            "code",
            "kind",
            "epci_type",
            "groupement_type",
            "name",
            "parent",
            "region_code",
            "departement_code",
            "population",
            "population_vintage",
            "source",
            "notes",
        )
        import_id_fields = ("code",)
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    @classmethod
    def get_display_name(cls):
        return "Territoires"

    def get_queryset(self):
        return super().get_queryset().select_related("parent")

    def before_import(self, dataset, **kwargs):
        check_columns(dataset.headers, required=("code",), known=self._meta.fields)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The code is the lookup key: the instance is either the one found or a new one.
        super().validate_instance(instance, import_validation_errors, validate_unique=False)
