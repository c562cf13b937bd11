"""The admin's spreadsheet exports: the API's tables, restricted to the admin's filtered list.

The columns and rows are ``exchange.exports``' (the API and open data use the same ones), so a file
downloaded from the admin reads like one downloaded from ``/api/exports/``. ``TableResource`` is
the django-import-export face of a table: one field per column (officers may untick some), and
one hook, ``export_field``, through which every cell passes and every text is neutralised. The
files are written by ``exchange.exports``' writers (CSV: UTF-8 with BOM, « ; », decimal commas,
French dates; XLSX: numbers as numbers, dates as dates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from import_export import fields, resources, widgets
from import_export.formats import base_formats

from exchange import exports
from exchange.progress_files import FRENCH_NAMES
from indicators.enums import EntryStatus


class CellWidget(widgets.Widget):
    """Keeps the value's type: the writer formats numbers, dates and booleans per format."""

    def render(self, value, obj=None, **kwargs):
        return value


class TableResource(resources.Resource):
    """Export-only resource whose rows come from a ``exchange.exports`` table builder.

    Subclasses name their ``columns`` (a tuple of ``exports.Column``) and ``build`` (queryset →
    ``exports.Table``); the fields are made from the columns by ``__init_subclass__``.
    """

    columns: tuple[exports.Column, ...] = ()
    build: Callable[..., exports.Table]
    display_name = ""
    #: Start of the file name: ``saisies-2026-11-30.xlsx`` (the date of the day in Paris).
    file_stem = "export"
    labels: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # After django-import-export's metaclass: the declared fields are the table's columns.
        # People read these files: French column titles and status labels (the API and open
        # data keep the stable names and codes).
        cls.fields = {
            column.name: fields.Field(
                attribute=column.name,
                column_name=column.title or column.name,
                widget=CellWidget(),
            )
            for column in cls.columns
        }
        cls.labels = {column.name: column.labels for column in cls.columns if column.labels}

    @classmethod
    def get_display_name(cls):
        return cls.display_name or cls.__name__

    def get_user_visible_fields(self):
        return list(self.fields.values())

    def iter_queryset(self, queryset):
        table = type(self).build(queryset)
        names = [column.name for column in table.columns]
        for values in table.rows:
            yield dict(zip(names, values, strict=True))

    @classmethod
    def file_table(cls, queryset, fields: list[str] | None = None) -> exports.Table:
        """The admin's file of ``queryset`` as a streamed table (what ``export`` gives, without
        holding the rows): the chosen ``fields`` (all when empty) in the resource's order,
        French titles, the codes' French labels. The writers neutralise every text."""
        table = cls.build(queryset)
        names = [column.name for column in table.columns]
        chosen = [column for column in cls.columns if not fields or column.name in fields]
        positions = [names.index(column.name) for column in chosen]
        labels = [column.labels or {} for column in chosen]
        columns = [
            exports.Column(column.title or column.name, column.type, column.unit, "")
            for column in chosen
        ]

        def rows():
            for values in table.rows:
                yield [
                    labels[i].get(values[p], values[p]) if labels[i] else values[p]
                    for i, p in enumerate(positions)
                ]

        return exports.Table(table.name, table.title, columns, rows())

    def export_field(self, field, instance, **kwargs):
        """The one place every exported cell goes through: no text may run as a formula."""
        value = super().export_field(field, instance, **kwargs)
        labels = self.labels.get(field.attribute)
        if labels and value in labels:
            value = labels[value]
        return exports.neutralise(value) if isinstance(value, str) else value


def _table(dataset) -> exports.Table:
    columns = [exports.Column(name, "", "", "") for name in dataset.headers or []]
    return exports.Table("export", dataset.title or "Export", columns, list(dataset))


class SpreadsheetCSV(base_formats.CSV):
    def get_title(self):
        return "csv"

    def is_binary(self):
        return True  # bytes, already encoded (UTF-8 with BOM)

    def get_content_type(self):
        return exports.CSV_CONTENT_TYPE

    def export_data(self, dataset, **kwargs):
        return exports.table_csv(_table(dataset))


class SpreadsheetXLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        return exports.table_xlsx(_table(dataset))


EXPORT_FORMATS = [SpreadsheetCSV, SpreadsheetXLSX]


# The four tables of the admin ----------------------------------------------------------------


class ContractExportResource(TableResource):
    display_name = "Contrats"
    file_stem = "contrats"
    columns = exports.CONTRACT_COLUMNS
    build = staticmethod(exports.contracts_table)


class ObjectiveExportResource(TableResource):
    display_name = "Objectifs avec leurs taux"
    file_stem = "objectifs"
    columns = exports.OBJECTIVE_COLUMNS
    build = staticmethod(exports.objective_list_table)


class ProgressEntryExportResource(TableResource):
    """The columns of the progress import file under their French names (« Contrat », …,
    « Statut » with « Validée »…), which the import reads back: an export can be corrected and
    imported again."""

    display_name = "Saisies d'avancement"
    file_stem = "saisies"
    columns = tuple(
        replace(
            column,
            title=FRENCH_NAMES[column.name].capitalize(),
            labels=dict(EntryStatus.choices) if column.name == "status" else column.labels,
        )
        for column in exports.PROGRESS_COLUMNS
    )
    build = staticmethod(exports.progress_table)


class EvaluationExportResource(TableResource):
    display_name = "Évaluations"
    file_stem = "evaluations"
    columns = exports.EVALUATION_COLUMNS
    build = staticmethod(exports.evaluations_table)


__all__ = [
    "EXPORT_FORMATS",
    "ContractExportResource",
    "EvaluationExportResource",
    "ObjectiveExportResource",
    "ProgressEntryExportResource",
    "TableResource",
]
