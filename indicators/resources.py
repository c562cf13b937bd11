"""django-import-export resources of the officers' admin: objectives, and progress files.

Objectives are imported by django-import-export itself (one objective per line, found by contract
and code). Progress files are not: ``ProgressImportResource`` hands the uploaded bytes to
``exchange.progress_import`` — the service of the command and the front office — and shows its
plan as the preview, its errors (« ligne N : colonne : message ») as the refusal, and its result
as the import. So the three doors read a file the same way, check the same rows with the same
French messages, apply the same rights, and save all rows or none with their history.
django-import-export keeps what it is good at: choosing the format, the preview, the confirmation.
"""

from __future__ import annotations

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import Error, RowResult

from contracts.models import Contract, Incontournable
from exchange.progress_files import FRENCH_NAMES, MoreErrors
from exchange.progress_import import (
    COLUMNS,
    ProgressImportError,
    RowError,
    import_rights,
    progress_import,
)
from french.output import format_date, format_number
from indicators.enums import EntryStatus
from indicators.models import Objective
from territories.resources import (
    FrenchBooleanWidget,
    FrenchIntegerWidget,
    FrenchRowsMixin,
    LookupWidget,
    check_columns,
    parse_french_decimal,
)

IMPORT_NOTE = "Import de fichier (administration)"


def _text(value) -> str:
    return "" if value is None else str(value).strip()


# Objectives --------------------------------------------------------------------------------------


class IncontournableWidget(widgets.ForeignKeyWidget):
    """An incontournable by its number, in the referential of the row's contract."""

    def __init__(self):
        super().__init__(Incontournable, "number")

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        reference = _text((row or {}).get("contract"))
        contract = Contract.objects.select_related("programme").filter(reference=reference).first()
        if contract is None:
            raise ValueError("contrat inconnu : impossible de trouver l'incontournable")
        try:
            number = int(parse_french_decimal(text))
            return Incontournable.objects.get(
                referential_id=contract.programme.referential_id, number=number
            )
        except (ValueError, Incontournable.DoesNotExist):
            raise ValueError(
                f"incontournable « {text} » absent du référentiel du programme {contract.programme}"
            ) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value.number)


class ObjectiveResource(FrenchRowsMixin, resources.ModelResource):
    """One objective per line, found by (contract, code). Indicators are edited in the admin."""

    contract = fields.Field(
        "contract", "contract", widget=LookupWidget(Contract, "reference", label="contrat")
    )
    incontournable = fields.Field("incontournable", "incontournable", widget=IncontournableWidget())
    priority = fields.Field("priority", "priority", widget=FrenchBooleanWidget())
    order = fields.Field("order", "order", widget=FrenchIntegerWidget())

    REQUIRED = ("contract", "code", "incontournable", "title")

    class Meta:
        model = Objective
        fields = ("contract", "code", "incontournable", "title", "priority", "order", "notes")
        import_id_fields = ("contract", "code")
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    @classmethod
    def get_display_name(cls):
        return "Objectifs"

    def get_queryset(self):
        return super().get_queryset().select_related("contract", "incontournable")

    def before_import(self, dataset, **kwargs):
        check_columns(dataset.headers, required=self.REQUIRED, known=self._meta.fields)

    def get_instance(self, instance_loader, row):
        # A lookup column that does not resolve is an error of that column, not a crash.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError as exc:
            raise ValidationError({"contract": str(exc)}) from None

    def save_instance(self, instance, is_create, row, **kwargs):
        instance._change_reason = IMPORT_NOTE
        super().save_instance(instance, is_create, row, **kwargs)


# Progress files ----------------------------------------------------------------------------------


class UploadedFile(tablib.Dataset):
    """The uploaded bytes, untouched: the progress service reads them itself."""

    def __init__(self, content: bytes):
        super().__init__()
        self.content = content

    def __bool__(self) -> bool:
        return True  # an empty file is the service's to refuse, in its words


class _UploadedFileFormat:
    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode()
        return UploadedFile(in_stream)


class ProgressCSV(_UploadedFileFormat, base_formats.CSV):
    def get_title(self):
        return "csv"


class ProgressXLSX(_UploadedFileFormat, base_formats.XLSX):
    pass


class ProgressODS(_UploadedFileFormat, base_formats.ODS):
    """ODS bytes for the service, which reads them itself (no odfpy needed)."""

    @classmethod
    def is_available(cls):
        return True

    def can_import(self):
        return True

    def can_export(self):
        return False

    def get_title(self):
        return "ods"

    def get_extension(self):
        return "ods"


PROGRESS_IMPORT_FORMATS = [ProgressCSV, ProgressXLSX, ProgressODS]


class ProgressImportResource(resources.Resource):
    """The admin's face of ``progress_import``: preview, refusal and import of a progress file."""

    @classmethod
    def get_display_name(cls):
        return "Saisies d'avancement"

    def get_user_visible_fields(self):
        return [fields.Field(column_name=FRENCH_NAMES[column]) for column in COLUMNS]

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """Run the service (dry run for the preview); the file is saved whole or not at all.

        ``use_transactions`` and ``rollback_on_validation_errors`` need no handling: the service
        writes in one transaction, and a dry run rolls it back.
        """
        result = self.get_result_class()()
        # The front office's preview shows the same lines: file line, codes, date, value, comment.
        result.diff_headers = ["ligne", *(FRENCH_NAMES[column] for column in COLUMNS)]
        result.more_errors = ""
        user = kwargs.get("user")
        try:
            outcome = progress_import(
                content=dataset.content,
                filename=kwargs.get("file_name") or "",
                by=user,
                dry_run=dry_run,
                **import_rights(user),
            )
        except ProgressImportError as exc:
            if raise_errors:
                raise
            for error in exc.errors:
                _add_error(result, error)
            return result
        for planned in outcome.rows:
            entry = planned.entry
            row = RowResult()
            row.import_type = (
                RowResult.IMPORT_TYPE_NEW if planned.created else RowResult.IMPORT_TYPE_UPDATE
            )
            value = format_number(entry.value)
            if planned.previous_value is not None and planned.previous_value != entry.value:
                value = f"{format_number(planned.previous_value)} → {value}"
            row.diff = [
                str(planned.line),
                entry.indicator.objective.contract.reference,
                entry.indicator.objective.code,
                entry.indicator.code,
                format_date(entry.date),
                value,
                entry.comment,
                EntryStatus(entry.status).label,
            ]
            if not dry_run:
                row.instance = entry  # the admin's log of the import
                row.add_instance_info(entry)
            result.append_row_result(row)
            result.increment_row_result_total(row)
        # Rows identical to their entry (an export imported back) are left alone: counted as
        # skipped, so the admin's message says « … et N ignorés ».
        result.totals[RowResult.IMPORT_TYPE_SKIP] += outcome.unchanged
        result.total_rows = len(outcome.rows) + outcome.unchanged
        return result


def _add_error(result, error: RowError) -> None:
    """A file error as a base error; a line's error under its line and column, as written."""
    if isinstance(error, MoreErrors):
        result.more_errors = str(error)  # shown after the lines (templates/admin/cotri)
        return
    if error.line == 0:
        result.append_base_error(Error(str(error)))
        return
    validation_error = ValidationError({error.label: [error.message]})
    result.append_invalid_row(error.line - 1, {}, validation_error)
