"""django-import-export resources for objectives and progress entries (officers' admin).

The progress file is the one of ``interfaces.md``: ``contract``, ``objective``, ``indicator``,
``date``, ``value``, ``comment`` (optional), ``status`` (optional). It follows the rules of
``indicators.progress_import`` (the command's service) so that a file means the same thing in the
admin and on the command line: an entry of the same indicator and date is updated in place (its
history keeps the old value), a missing status means « validée » (officers import), the same
indicator and date twice in one file is an error, and every row is saved one by one so that
django-simple-history records who imported it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from import_export import fields, resources, widgets

from contracts.models import Contract, Incontournable
from indicators.enums import EntrySource, EntryStatus
from indicators.models import EntryTransition, Indicator, Objective, ProgressEntry
from indicators.signals import progress_changed
from territories.resources import (
    ChoiceWidget,
    FrenchBooleanWidget,
    FrenchDateWidget,
    FrenchDecimalWidget,
    FrenchIntegerWidget,
    FrenchRowsMixin,
    LookupWidget,
    check_columns,
    parse_french_date,
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


# Progress entries --------------------------------------------------------------------------------

PROGRESS_COLUMNS = ("contract", "objective", "indicator", "date", "value", "comment", "status")
PROGRESS_REQUIRED = ("contract", "objective", "indicator", "date", "value")
STATUS_WORDS = {
    **{s.value: s.value for s in EntryStatus},
    **{s.label.lower(): s.value for s in EntryStatus},
    "validee": EntryStatus.VALIDATED,
    "soumise": EntryStatus.SUBMITTED,
    "renvoyee": EntryStatus.RETURNED,
}


class ProgressEntryResource(FrenchRowsMixin, resources.ModelResource):
    """Progress entries resolved by (contract reference, objective code, indicator code)."""

    contract = fields.Field("indicator__objective__contract__reference", "contract", readonly=True)
    objective = fields.Field("indicator__objective__code", "objective", readonly=True)
    indicator = fields.Field("indicator__code", "indicator", readonly=True)
    date = fields.Field("date", "date", widget=FrenchDateWidget())
    value = fields.Field("value", "value", widget=FrenchDecimalWidget())
    comment = fields.Field("comment", "comment", widget=widgets.CharWidget())
    status = fields.Field("status", "status", widget=ChoiceWidget(EntryStatus.choices))

    class Meta:
        model = ProgressEntry
        fields = PROGRESS_COLUMNS
        # Rows are matched by (indicator, date) in get_instance, not by id columns.
        import_id_fields = ()
        use_transactions = True
        # One save per row (never bulk): django-simple-history writes a record for each.
        use_bulk = False
        # The diff is the preview officers confirm.
        skip_diff = False
        report_skipped = False  # only blank lines are skipped

    @classmethod
    def get_display_name(cls):
        return "Saisies d'avancement"

    def get_queryset(self):
        return super().get_queryset().select_related("indicator__objective__contract")

    def get_import_fields(self):
        return []  # import_instance sets the parsed values itself

    # Whole file ----------------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        check_columns(dataset.headers, required=PROGRESS_REQUIRED, known=PROGRESS_COLUMNS)
        self.by = kwargs.get("user")
        self.now = timezone.now()
        self.seen: dict[tuple[int, datetime.date], int] = {}
        self.contract_ids: set[int] = set()
        references = {_text(r) for r in dataset["contract"]}
        indicators = Indicator.objects.filter(
            objective__contract__reference__in=references
        ).select_related("objective__contract")
        self.indicators = {
            (i.objective.contract.reference, i.objective.code, i.code): i for i in indicators
        }
        self.known_contracts = set(
            Contract.objects.filter(reference__in=references).values_list("reference", flat=True)
        )
        entries = ProgressEntry.objects.filter(
            indicator__in=[i.pk for i in self.indicators.values()]
        ).order_by("indicator_id", "date", "pk")
        # Several entries may share an indicator and a date (typed by hand): the last one wins.
        self.existing = {(e.indicator_id, e.date): e for e in entries}

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or not self.contract_ids:
            return
        contract_ids = set(self.contract_ids)
        # Discarded with the transaction when a bad row rolls the whole file back.
        transaction.on_commit(
            lambda: progress_changed.send(sender=ProgressEntry, contract_ids=contract_ids)
        )

    # One row -------------------------------------------------------------------------------------

    def before_import_row(self, row, **kwargs):
        """Parse and resolve the whole row, collecting every error by column."""
        line = kwargs.get("row_number", 0) + 1  # the header is line 1
        errors: dict[str, str] = {}
        cells = {name: row.get(name) for name in PROGRESS_COLUMNS}
        for column in PROGRESS_REQUIRED:
            if not _text(cells[column]):
                errors[column] = "valeur obligatoire manquante"
        indicator = None
        if not errors.keys() & {"contract", "objective", "indicator"}:
            indicator = self._resolve(cells, errors)
        entry_date = self._parse(parse_french_date, cells["date"], "date", errors)
        value = self._parse(parse_french_decimal, cells["value"], "value", errors)
        if value is not None:
            if value < 0:
                errors["value"] = f"la valeur doit être positive ou nulle (« {cells['value']} »)"
            else:
                try:
                    ProgressEntry._meta.get_field("value").run_validators(value)
                except ValidationError as exc:
                    errors["value"] = " ".join(exc.messages)
        status = EntryStatus.VALIDATED
        if _text(cells["status"]):
            status = STATUS_WORDS.get(_text(cells["status"]).lower())
            if status is None:
                errors["status"] = (
                    f"statut inconnu « {_text(cells['status'])} » "
                    f"(attendu : {', '.join(EntryStatus.values)})"
                )
        if indicator is not None and entry_date is not None:
            first = self.seen.setdefault((indicator.pk, entry_date), line)
            if first != line:
                errors["date"] = f"doublon de la ligne {first} (même indicateur, même date)"
        if errors:
            raise ValidationError(errors)
        self.current: dict[str, Any] = {
            "indicator": indicator,
            "date": entry_date,
            "value": value,
            "status": status,
        }

    def _resolve(self, cells, errors) -> Indicator | None:
        key = (_text(cells["contract"]), _text(cells["objective"]), _text(cells["indicator"]))
        indicator = self.indicators.get(key)
        if indicator is not None:
            return indicator
        contract, objective, code = key
        if contract not in self.known_contracts:
            errors["contract"] = f"contrat inconnu « {contract} »"
        elif not any(k[:2] == (contract, objective) for k in self.indicators):
            errors["objective"] = f"objectif « {objective} » inconnu dans le contrat {contract}"
        else:
            errors["indicator"] = f"indicateur « {code} » inconnu pour l'objectif {objective}"
        return None

    @staticmethod
    def _parse(parse, value, column, errors):
        if column in errors:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            errors[column] = str(exc)
            return None

    def get_instance(self, instance_loader, row):
        return self.existing.get((self.current["indicator"].pk, self.current["date"]))

    def init_instance(self, row=None):
        return ProgressEntry(
            indicator=self.current["indicator"],
            date=self.current["date"],
            source=EntrySource.IMPORT,
        )

    def import_instance(self, instance, row, **kwargs):
        parsed = self.current
        instance._previous_status = "" if instance.pk is None else instance.status
        if instance.pk is not None:
            instance.version += 1
        instance.value = parsed["value"]
        if "comment" in row:
            instance.comment = _text(row["comment"])
        instance.status = parsed["status"]
        instance.author = instance.author or self.by
        if parsed["status"] in (EntryStatus.SUBMITTED, EntryStatus.VALIDATED):
            instance.submitted_at = instance.submitted_at or self.now
        if parsed["status"] == EntryStatus.VALIDATED:
            instance.reviewer, instance.reviewed_at = self.by, self.now

    def save_instance(self, instance, is_create, row, **kwargs):
        instance._change_reason = IMPORT_NOTE
        super().save_instance(instance, is_create, row, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        if instance._previous_status != instance.status:
            EntryTransition.objects.create(
                entry=instance,
                from_status=instance._previous_status,
                to_status=instance.status,
                by=self.by,
                note=IMPORT_NOTE,
            )
        self.contract_ids.add(instance.indicator.objective.contract_id)
