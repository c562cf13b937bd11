"""Officers' admin for territories, and the admin bases every app's admin shares.

The bases live here because territories is the lowest app: the other admins import them.
"""

import functools

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from import_export.admin import ExportMixin, ImportExportModelAdmin
from import_export.forms import ImportForm
from import_export.results import RowResult
from simple_history.admin import SimpleHistoryAdmin

from cotri.admin_french import FrenchHistoryMixin, fill_missing_related
from cotri.uploads_guard import (
    UploadRefused,
    check_size,
    check_spreadsheet,
    is_ods_name,
    is_xlsx_name,
)
from exchange.admin_exports import EXPORT_FORMATS
from french.output import agree, format_count, format_iso_date
from territories.models import Membership, Territory
from territories.resources import IMPORT_FORMATS, TerritoryResource

NO_DEPARTEMENT = "Sans département"


class DepartementFilter(admin.AllValuesFieldListFilter):
    """The département filter of the admin lists. A territory without a département code (a
    region, a territory outside the region) is offered as « Sans département », never as a link
    without a name (which screen readers announce as nothing: axe's « link-name »)."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            display = str(choice["display"])
            if display == "" or display.startswith(" ("):  # the empty code, with facets or not
                choice = {**choice, "display": NO_DEPARTEMENT + display}
            yield choice


class OneQueryChoicesMixin:
    """Foreign-key selects of an inline query their choices once per page, not once per row.

    ``choice_filters`` maps a field name to a function ``(request) -> dict`` of lookups that
    narrows the choices (for instance to the referential of the object being edited).
    """

    choice_filters: dict = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        narrow = self.choice_filters.get(db_field.name)
        if narrow is not None:
            lookups = narrow(request)
            if lookups is not None:
                kwargs["queryset"] = db_field.related_model.objects.filter(**lookups)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            # Forms of a formset deep-copy this field: a list is copied, a queryset re-run.
            field.choices = list(field.choices)
        return field


def admin_parent(request):
    """The object whose change page is being built (set by ``ParentAwareMixin``)."""
    return getattr(request, "_cotri_admin_parent", None)


class ParentAwareMixin:
    """Remembers the edited object on the request so that inlines can narrow their choices."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._cotri_admin_parent = obj
        return super().get_form(request, obj, change=change, **kwargs)

    def get_formsets_with_inlines(self, request, obj=None):
        request._cotri_admin_parent = obj
        yield from super().get_formsets_with_inlines(request, obj)


class HistoryAdmin(FrenchHistoryMixin, SimpleHistoryAdmin):
    """Objects whose every change is kept (who, when, before, after): officers read the history
    in French (``cotri.admin_french``)."""

    object_history_form_template = "admin/cotri/object_history_form.html"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request._cotri_history_version = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # An old version may point at rows deleted since: they read « … supprimé (n° …) » and,
        # being gone, narrow no choice list.
        version = getattr(request, "_cotri_history_version", False) and obj is not None
        if version and fill_missing_related(obj):
            request._cotri_admin_parent = None
        return super().get_form(request, obj, change=change, **kwargs)


class ReadOnlyAdminMixin:
    """Logs and records written by services only: officers read them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GuardedImportForm(ImportForm):
    """The admin's upload door: the file is refused before it is stored or parsed.

    Same guard as the progress service (``cotri.uploads_guard``): size (checked before reading),
    XLSX member count and uncompressed size, content that is not what the chosen format claims.
    """

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.format_classes = formats

    def clean(self):
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload is None or chosen in (None, ""):
            return cleaned
        title = self.format_classes[int(chosen)]().get_title()
        kind = "xlsx" if is_xlsx_name(upload.name) else "ods" if is_ods_name(upload.name) else ""
        if (title in ("xlsx", "ods") or kind) and title != kind:
            self.add_error(
                "import_file",
                f"le fichier « {upload.name} » ne correspond pas au format choisi ({title}) : "
                "un classeur Excel porte l'extension .xlsx, un classeur LibreOffice .ods, "
                "un CSV une autre",
            )
            return cleaned
        try:
            check_size(upload.size)
            upload.seek(0)
            content = upload.read()
            upload.seek(0)
            check_spreadsheet(content=content, filename=upload.name)
        except UploadRefused as exc:
            self.add_error("import_file", str(exc))
        return cleaned


class CotriExportMixin(ExportMixin):
    """CSV (French: « ; », BOM, decimal commas) and XLSX exports of the filtered list.

    Every text cell is neutralised (``exchange.admin_exports``). The export page keeps the list's
    filters and search; officers who may view the model see the button.
    """

    export_formats = EXPORT_FORMATS
    #: Export-only resources (columns shared with the API); the import ones stay for imports.
    export_resource_classes: list = []

    def get_export_resource_classes(self, request):
        return self.export_resource_classes or super().get_export_resource_classes(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_filename(self, request, queryset, file_format):
        """« saisies-2026-11-30.xlsx »: what the file holds and the day in Paris."""
        resources = self.get_export_resource_classes(request)
        stem = getattr(resources[0], "file_stem", "") if resources else ""
        stem = stem or slugify(self.opts.verbose_name_plural)
        day = format_iso_date(timezone.now())
        return f"{stem}-{day}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """Up to ``COTRI_EXPORT_SYNC_MAX_ROWS`` rows, the file at once; more, a task writes it
        (``exchange.export_jobs``) and the officer follows it on « Mes exports »."""
        from django.conf import settings

        from exchange.export_jobs import export_job_start

        limit = settings.COTRI_EXPORT_SYNC_MAX_ROWS
        # One query, stopped after limit + 1 rows: a small selection is not counted twice.
        if queryset.order_by()[: limit + 1].count() <= limit:
            return super()._do_file_export(file_format, request, queryset, export_form)
        resource_class = self.choose_export_resource_class(export_form, request)
        fields = self.get_export_resource_fields_from_form(export_form) or []
        pks = None
        if export_form is not None and "export_items" in export_form.changed_data:
            pks = export_form.cleaned_data["export_items"]
        job = export_job_start(
            user=request.user,
            model_admin=self,
            resource_class=resource_class,
            fields=fields,
            query={key: request.GET.getlist(key) for key in request.GET},
            pks=pks,
            file_format=file_format.get_extension(),
            rows_total=queryset.count(),
        )
        messages.info(
            request,
            f"L'export « {job.title} » ({format_count(job.rows_total, 'ligne')}) est en "
            "préparation : suivez-le ici, le lien de téléchargement paraît quand il est prêt.",
        )
        return HttpResponseRedirect(reverse("officers:exports"))

    def get_export_context_data(self, **kwargs):
        # The export page posts to itself (filters kept) unless the export action sets a URL.
        return {"export_url": "", **super().get_export_context_data(**kwargs)}


class StoredUploadGone(Exception):
    """The file kept between the preview and the confirmation expired or never existed."""


@functools.cache
def _checked_storage(storage_class):
    class CheckedStorage(storage_class):
        def read(self):
            try:
                data = super().read()
            except FileNotFoundError:
                data = None
            if data is None:  # the cache storage answers None for a missing key
                raise StoredUploadGone
            return data

    return CheckedStorage


class CotriImportExportAdmin(CotriExportMixin, ImportExportModelAdmin):
    """Import-export in French for officers: a file is imported whole or not at all.

    The preview step runs the whole file in a rolled-back transaction; the confirmation step runs
    it again in one transaction that is rolled back on any bad row (``use_transactions`` on the
    resources, ``rollback_on_validation_errors`` here). Errors read « ligne N : colonne : message »
    with N the line in the file (the header is line 1), like the ``import_progress`` command's.
    """

    import_formats = IMPORT_FORMATS
    import_form_class = GuardedImportForm
    import_template_name = "admin/cotri/import.html"
    import_resource_classes: list = []

    def get_import_resource_classes(self, request):
        return self.import_resource_classes or super().get_import_resource_classes(request)

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_tmp_storage_class(self):
        return _checked_storage(super().get_tmp_storage_class())

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except StoredUploadGone:
            messages.error(
                request,
                "Import annulé : le fichier déposé n'est plus disponible (aperçu trop ancien) ; "
                "déposez-le de nouveau.",
            )
            app_label, model_name = self.get_model_info()
            return HttpResponseRedirect(
                reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
            )

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error(
            "import_file",
            "fichier illisible dans le format choisi : vérifiez le format (CSV ou XLSX)",
        )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between the preview and the confirmation: nothing was saved.
            messages.error(
                request,
                "Import annulé : aucune ligne n'a été enregistrée. " + _first_errors(result),
            )
            app_label, model_name = self.get_model_info()
            url = reverse(
                f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name
            )
            return HttpResponseRedirect(url)
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        skipped = totals[RowResult.IMPORT_TYPE_SKIP]
        messages.success(
            request,
            f"Import terminé ({self.model._meta.verbose_name_plural}) : "
            f"{format_count(totals[RowResult.IMPORT_TYPE_NEW], 'ajout')}, "
            f"{format_count(totals[RowResult.IMPORT_TYPE_UPDATE], 'mise à jour', 'mises à jour')}, "
            f"{format_count(skipped, 'ligne')} {agree(skipped, 'inchangée')}.",
        )


def _first_errors(result, limit: int = 5) -> str:
    lines = [str(error.error) for error in result.base_errors]
    for row in result.error_rows:
        lines.extend(f"ligne {row.number + 1} : {error.error}" for error in row.errors)
    for row in result.invalid_rows:
        for column, texts in row.field_specific_errors.items():
            lines.extend(f"ligne {row.number + 1} : {column} : {text}" for text in texts)
        lines.extend(f"ligne {row.number + 1} : {text}" for text in row.non_field_specific_errors)
    return " ; ".join(lines[:limit])


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "group"
    autocomplete_fields = ["member"]
    extra = 0
    verbose_name = "membre"
    verbose_name_plural = "membres"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


@admin.register(Territory)
class TerritoryAdmin(CotriImportExportAdmin):
    resource_classes = [TerritoryResource]
    list_display = (
        "code",
        "name",
        "kind_display",
        "departement_code",
        "population",
        "population_vintage",
        "member_count",
    )
    list_display_links = ("code", "name")
    list_filter = (
        "kind",
        "epci_type",
        "groupement_type",
        ("departement_code", DepartementFilter),
    )
    search_fields = ("code", "name")
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]
    # Explicit: a queryset with a Count annotation drops Meta.ordering (autocomplete pages).
    ordering = Territory._meta.ordering
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "epci_type", "groupement_type", "parent")}),
        (
            "Rattachement et population",
            {
                "fields": (
                    "region_code",
                    "departement_code",
                    "population",
                    "population_vintage",
                )
            },
        ),
        ("Sources", {"fields": ("source", "notes")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("memberships"))

    @admin.display(description="type", ordering="kind")
    def kind_display(self, obj):
        return obj.kind_label

    @admin.display(description="membres", ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("group", "member")
    list_select_related = ("group", "member")
    search_fields = ("group__name", "group__code", "member__name", "member__code")
    list_filter = ("group__kind",)
    autocomplete_fields = ["group", "member"]
