"""Officers' admin for territories, and the admin bases every app's admin shares.

The bases live here because territories is the lowest app: the other admins import them.
"""

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportModelAdmin
from import_export.results import RowResult
from simple_history.admin import SimpleHistoryAdmin

from territories.models import Membership, Territory
from territories.resources import EXPORT_FORMATS, IMPORT_FORMATS, TerritoryResource


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


class HistoryAdmin(SimpleHistoryAdmin):
    """Objects whose every change is kept (who, when, before, after): officers read the history."""

    object_history_form_template = "admin/cotri/object_history_form.html"


class ReadOnlyAdminMixin:
    """Logs and records written by services only: officers read them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CotriImportExportAdmin(ImportExportModelAdmin):
    """Import-export in French for officers: a file is imported whole or not at all.

    The preview step runs the whole file in a rolled-back transaction; the confirmation step runs
    it again in one transaction that is rolled back on any bad row (``use_transactions`` on the
    resources, ``rollback_on_validation_errors`` here). Errors read « Ligne N : colonne : message »
    with N the line in the file (the header is line 1).
    """

    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS
    import_template_name = "admin/cotri/import.html"

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_context_data(self, **kwargs):
        # The export page posts to itself (filters kept) unless the export action sets a URL.
        return {"export_url": "", **super().get_export_context_data(**kwargs)}

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

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
        messages.success(
            request,
            f"Import terminé ({self.model._meta.verbose_name_plural}) : "
            f"{totals[RowResult.IMPORT_TYPE_NEW]} ajout(s), "
            f"{totals[RowResult.IMPORT_TYPE_UPDATE]} mise(s) à jour, "
            f"{totals[RowResult.IMPORT_TYPE_SKIP]} ligne(s) inchangée(s).",
        )


def _first_errors(result, limit: int = 5) -> str:
    lines = [str(error.error) for error in result.base_errors]
    for row in result.error_rows:
        lines.extend(f"Ligne {row.number + 1} : {error.error}" for error in row.errors)
    for row in result.invalid_rows:
        for column, texts in row.error_dict.items():
            lines.extend(f"Ligne {row.number + 1} : {column} : {text}" for text in texts)
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
    list_filter = ("kind", "epci_type", "groupement_type", "departement_code")
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
