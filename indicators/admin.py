"""Officers' admin for objectives, indicators and progress entries (with file imports)."""

import os

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone

from cotri.espace.admin_actions import validate_entries
from indicators.enums import EntryStatus
from indicators.models import (
    Action,
    Actor,
    EntryTransition,
    Evidence,
    Indicator,
    IndicatorDefinition,
    Means,
    Objective,
    ProgressEntry,
)
from indicators.resources import ObjectiveResource, ProgressEntryResource
from territories.admin import (
    CotriImportExportAdmin,
    HistoryAdmin,
    OneQueryChoicesMixin,
    ParentAwareMixin,
    ReadOnlyAdminMixin,
    admin_parent,
)


def _objective_referential(request):
    parent = admin_parent(request)
    if isinstance(parent, Objective):
        return {"referential_id": parent.contract.programme.referential_id}
    return None


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "unit", "indicator_count")
    search_fields = ("code", "label")
    ordering = IndicatorDefinition._meta.ordering

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_count=Count("indicators"))

    @admin.display(description="indicateurs liés", ordering="_count")
    def indicator_count(self, obj):
        return obj._count


# --- Objectives ----------------------------------------------------------------------------------


class IndicatorInline(OneQueryChoicesMixin, admin.TabularInline):
    model = Indicator
    fields = (
        "code",
        "label",
        "unit",
        "kind",
        "direction",
        "accumulation",
        "baseline",
        "target",
        "definition",
        "order",
    )
    show_change_link = True
    extra = 0


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0


class ActorInline(admin.TabularInline):
    model = Actor
    extra = 0


class MeansInline(admin.TabularInline):
    model = Means
    extra = 0


class ObjectiveAdmin(ParentAwareMixin, CotriImportExportAdmin, HistoryAdmin):
    resource_classes = [ObjectiveResource]
    list_display = (
        "code",
        "title",
        "contract_reference",
        "incontournable_number",
        "priority",
        "indicator_count",
    )
    list_display_links = ("code", "title")
    list_select_related = ("contract", "incontournable")
    list_filter = ("contract__programme", "priority", "incontournable")
    search_fields = ("code", "title", "contract__reference")
    autocomplete_fields = ["contract"]
    ordering = Objective._meta.ordering
    inlines = [IndicatorInline, ActionInline, ActorInline, MeansInline]
    fieldsets = (
        (None, {"fields": ("contract", "code", "title", "incontournable", "priority", "order")}),
        ("Cahier de l'objectif", {"fields": ("findings", "links", "notes")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_indicator_count=Count("indicators"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "incontournable":
            lookups = _objective_referential(request)
            if lookups is not None:
                kwargs["queryset"] = db_field.related_model.objects.filter(**lookups)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="contrat", ordering="contract__reference")
    def contract_reference(self, obj):
        return obj.contract.reference

    @admin.display(description="incontournable", ordering="incontournable__number")
    def incontournable_number(self, obj):
        return obj.incontournable.number

    @admin.display(description="indicateurs", ordering="_indicator_count")
    def indicator_count(self, obj):
        return obj._indicator_count


admin.site.register(Objective, ObjectiveAdmin)


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = (
        "label",
        "code",
        "objective_code",
        "contract_reference",
        "kind",
        "accumulation",
        "baseline",
        "target",
        "unit",
        "entry_count",
    )
    list_select_related = ("objective__contract",)
    list_filter = ("kind", "direction", "accumulation", "objective__contract__programme")
    search_fields = (
        "code",
        "label",
        "objective__code",
        "objective__contract__reference",
    )
    autocomplete_fields = ["objective", "definition"]
    ordering = Indicator._meta.ordering

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_entry_count=Count("entries"))

    @admin.display(description="objectif", ordering="objective__code")
    def objective_code(self, obj):
        return obj.objective.code

    @admin.display(description="contrat", ordering="objective__contract__reference")
    def contract_reference(self, obj):
        return obj.objective.contract.reference

    @admin.display(description="saisies", ordering="_entry_count")
    def entry_count(self, obj):
        return obj._entry_count


class ObjectivePartAdmin(admin.ModelAdmin):
    """Parts of an objective's workbook, also editable on the objective's page."""

    list_select_related = ("objective__contract",)
    autocomplete_fields = ["objective"]
    list_filter = ("objective__contract__programme",)

    @admin.display(description="objectif", ordering="objective__code")
    def objective_label(self, obj):
        return f"{obj.objective.contract.reference} / {obj.objective.code}"


@admin.register(Action)
class ActionAdmin(ObjectivePartAdmin):
    list_display = ("title", "lead", "status", "objective_label")
    list_filter = ("status", "objective__contract__programme")
    search_fields = ("title", "lead", "objective__code", "objective__contract__reference")


@admin.register(Actor)
class ActorAdmin(ObjectivePartAdmin):
    list_display = ("organisation", "role", "quadrant", "objective_label")
    list_filter = ("role", "quadrant", "objective__contract__programme")
    search_fields = ("organisation", "objective__code", "objective__contract__reference")


@admin.register(Means)
class MeansAdmin(ObjectivePartAdmin):
    list_display = ("organisation", "kind", "detail", "objective_label")
    list_filter = ("kind", "objective__contract__programme")
    search_fields = ("organisation", "objective__code", "objective__contract__reference")


# --- Progress entries ----------------------------------------------------------------------------

EVIDENCE_READONLY = ("original_name", "size", "uploaded_by", "uploaded_at")


def _fill_evidence(evidence: Evidence, user) -> None:
    """Name, size and uploader come from the upload, not from the officer's typing."""
    if evidence.file and not evidence.original_name:
        evidence.original_name = os.path.basename(evidence.file.name)[:255]
    if evidence.file:
        evidence.size = evidence.file.size
    if evidence.uploaded_by_id is None:
        evidence.uploaded_by = user


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ("file", *EVIDENCE_READONLY)
    readonly_fields = EVIDENCE_READONLY
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


class EntryTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EntryTransition
    fields = ("at", "from_status", "to_status", "by", "note")
    readonly_fields = fields
    extra = 0
    verbose_name_plural = "historique des changements de statut"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class ProgressEntryAdmin(CotriImportExportAdmin, HistoryAdmin):
    resource_classes = [ProgressEntryResource]
    list_display = (
        "indicator_label",
        "contract_reference",
        "objective_code",
        "date",
        "value",
        "status",
        "source",
        "author",
    )
    list_select_related = ("indicator__objective__contract", "author")
    list_filter = ("status", "source", "date")
    search_fields = (
        "indicator__objective__contract__reference",
        "indicator__objective__code",
        "indicator__code",
        "indicator__label",
    )
    date_hierarchy = "date"
    autocomplete_fields = ["indicator"]
    raw_id_fields = ["author", "reviewer"]
    readonly_fields = (
        "source",
        "version",
        "submitted_at",
        "reviewed_at",
        "created_at",
        "updated_at",
    )
    inlines = [EvidenceInline, EntryTransitionInline]
    actions = [validate_entries]
    fieldsets = (
        (None, {"fields": ("indicator", "date", "value", "comment")}),
        (
            "Relecture",
            {
                "fields": (
                    "status",
                    "review_note",
                    "author",
                    "reviewer",
                    "submitted_at",
                    "reviewed_at",
                )
            },
        ),
        ("Suivi", {"fields": ("source", "version", "created_at", "updated_at")}),
    )

    @admin.display(description="indicateur", ordering="indicator__label")
    def indicator_label(self, obj):
        return obj.indicator.label

    @admin.display(description="contrat", ordering="indicator__objective__contract__reference")
    def contract_reference(self, obj):
        return obj.indicator.objective.contract.reference

    @admin.display(description="objectif", ordering="indicator__objective__code")
    def objective_code(self, obj):
        return obj.indicator.objective.code

    def save_model(self, request, obj, form, change):
        """A status changed here is logged like any other transition (who, when, from, to)."""
        previous = form.initial.get("status", "") if change else ""
        now = timezone.now()
        if not change and obj.author_id is None:
            obj.author = request.user
        if change and form.has_changed():
            obj.version += 1
        if obj.status != previous:
            if obj.status == EntryStatus.SUBMITTED:
                obj.submitted_at = now
            if obj.status in (EntryStatus.VALIDATED, EntryStatus.RETURNED):
                obj.reviewer, obj.reviewed_at = request.user, now
                obj.submitted_at = obj.submitted_at or now
        super().save_model(request, obj, form, change)
        if obj.status != previous:
            EntryTransition.objects.create(
                entry=obj,
                from_status=previous,
                to_status=obj.status,
                by=request.user,
                note="Modification dans l'administration",
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is Evidence:
            for evidence_form in formset.forms:
                if evidence_form.has_changed() and evidence_form.instance.file:
                    _fill_evidence(evidence_form.instance, request.user)
        super().save_formset(request, form, formset, change)


admin.site.register(ProgressEntry, ProgressEntryAdmin)


@admin.register(EntryTransition)
class EntryTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("entry", "from_status", "to_status", "at", "by", "note")
    list_select_related = ("entry__indicator", "by")
    list_filter = ("to_status", "at")
    search_fields = ("entry__indicator__code", "entry__indicator__objective__contract__reference")
    date_hierarchy = "at"


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("original_name", "entry", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("entry__indicator", "uploaded_by")
    search_fields = ("original_name", "entry__indicator__code")
    autocomplete_fields = ["entry"]
    readonly_fields = EVIDENCE_READONLY

    def save_model(self, request, obj, form, change):
        _fill_evidence(obj, request.user)
        super().save_model(request, obj, form, change)
