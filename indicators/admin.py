"""Officers' admin for objectives, indicators and progress entries (file imports and exports)."""

import os

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import Count, Q

from contracts.models import Contract
from cotri.admin_a11y import LabelledInlineMixin
from cotri.admin_scale import EstimatedCountPaginator, PageCountsMixin
from cotri.espace.admin_actions import validate_entries
from exchange.admin_exports import ObjectiveExportResource, ProgressEntryExportResource
from indicators import entry_rules
from indicators.admin_template import ProgressTemplateAdminMixin
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
    WorkbookVisit,
)
from indicators.resources import (
    PROGRESS_IMPORT_FORMATS,
    ObjectiveResource,
    ProgressImportResource,
)
from indicators.services import entry_conflict
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
    # A new objective: its contract comes with the link (?contract=…) or the posted form.
    contract_id = request.POST.get("contract") or request.GET.get("contract")
    if contract_id and str(contract_id).isdigit():
        referential = (
            Contract.objects.filter(pk=contract_id)
            .values_list("programme__referential_id", flat=True)
            .first()
        )
        if referential is not None:
            return {"referential_id": referential}
    return None


def _grouped_by_referential(field) -> None:
    """Without a contract yet, the incontournables of each referential under its own heading
    (two referentials both have a « 1. » and an « Urbanisme durable »)."""
    groups: dict[str, list] = {}
    for item in field.queryset.select_related("referential").order_by("referential", "number"):
        groups.setdefault(item.referential.name, []).append((item.pk, str(item)))
    field.choices = [("", "---------"), *groups.items()]


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


class IndicatorInline(LabelledInlineMixin, OneQueryChoicesMixin, admin.TabularInline):
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


class ActionInline(LabelledInlineMixin, admin.TabularInline):
    model = Action
    extra = 0


class ActorInline(LabelledInlineMixin, admin.TabularInline):
    model = Actor
    extra = 0


class MeansInline(LabelledInlineMixin, admin.TabularInline):
    model = Means
    extra = 0


class ObjectiveAdmin(ParentAwareMixin, CotriImportExportAdmin, HistoryAdmin):
    import_resource_classes = [ObjectiveResource]
    export_resource_classes = [ObjectiveExportResource]
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
        # Objectives are few (30 000 nationally) and have two indicators each: counted in the
        # page's query; the entries of indicators are counted per page (IndicatorAdmin).
        return super().get_queryset(request).annotate(_indicator_count=Count("indicators"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "incontournable":
            lookups = _objective_referential(request)
            if lookups is not None:
                kwargs["queryset"] = db_field.related_model.objects.filter(**lookups)
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            if lookups is None and field is not None:
                _grouped_by_referential(field)
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="contrat", ordering="contract__reference")
    def contract_reference(self, obj):
        return obj.contract.reference

    @admin.display(description="incontournable", ordering="incontournable__number")
    def incontournable_number(self, obj):
        return obj.incontournable.number

    @admin.display(description="indicateurs")
    def indicator_count(self, obj):
        return obj._indicator_count


admin.site.register(Objective, ObjectiveAdmin)


@admin.register(Indicator)
class IndicatorAdmin(PageCountsMixin, HistoryAdmin):
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
    # Entries are counted for the page's rows only, not annotated over 2 million rows.
    page_counts = {"_entry_count": "entries"}
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    @admin.display(description="objectif", ordering="objective__code")
    def objective_code(self, obj):
        return obj.objective.code

    @admin.display(description="contrat", ordering="objective__contract__reference")
    def contract_reference(self, obj):
        return obj.objective.contract.reference

    @admin.display(description="saisies")
    def entry_count(self, obj):
        return obj._entry_count


class ObjectivePartAdmin(HistoryAdmin):
    """Parts of an objective's workbook, also editable on the objective's page; chefs de projet
    edit them in their space, so each keeps its history."""

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


@admin.register(WorkbookVisit)
class WorkbookVisitAdmin(admin.ModelAdmin):
    """Written by the officers' visits to the workbooks' journal; read only here."""

    list_display = ("user", "contract", "seen_at")
    list_select_related = ("user", "contract")
    readonly_fields = ("user", "contract", "seen_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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


# Set only by the workflow (entry_submit / entry_validate / entry_return): each change is logged
# (EntryTransition) and e-mailed. The admin shows them; its actions change them.
# A search matching more indicators than this filters by subquery (a broad term).
SEARCH_MAX_INDICATORS = 2000

WORKFLOW_FIELDS = ("status", "review_note", "reviewer", "submitted_at", "reviewed_at")


class ProgressEntryAdminForm(forms.ModelForm):
    """Carries the version the officer loaded: a save over someone else's change is refused."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label="motif de la modification",
        max_length=100,  # simple-history's history_change_reason
        required=False,
        help_text=(
            "Obligatoire pour modifier une saisie validée : il est gardé dans l'historique "
            "de la saisie."
        ),
    )

    class Meta:
        model = ProgressEntry
        # the admin's fieldsets rule; never private_note: the territory's working note
        fields = ("indicator", "date", "value", "comment", "comment_public", "author")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the database: on the history page the instance is an old version.
            current = ProgressEntry.objects.filter(pk=self.instance.pk).values_list("version")
            self.fields["loaded_version"].initial = current.get()[0]

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            # The admin saves inside a transaction: the row stays locked until it commits.
            current = (
                ProgressEntry.objects.select_for_update()
                .filter(pk=self.instance.pk, version=loaded)
                .exists()
            )
            if not current:
                raise entry_conflict(self.instance.pk)
        indicator, date = cleaned.get("indicator"), cleaned.get("date")
        moved = not self.instance.pk or {"indicator", "date"} & set(self.changed_data)
        if indicator is not None and date is not None and moved:
            entry_rules.check_entry(indicator=indicator, date=date, exclude_pk=self.instance.pk)
        if self._changes_validated_value() and not cleaned.get("change_reason", "").strip():
            self.add_error(
                "change_reason",
                "Cette saisie est validée : indiquez le motif de la modification ; il sera "
                "gardé dans son historique.",
            )
        return cleaned

    def _changes_validated_value(self) -> bool:
        if not self.instance.pk:
            return False
        stored = ProgressEntry.objects.filter(pk=self.instance.pk).values_list("status").first()
        changed = {"indicator", "date", "value", "comment"} & set(self.changed_data)
        return bool(changed) and stored is not None and stored[0] == EntryStatus.VALIDATED


class ProgressEntryAdmin(ProgressTemplateAdminMixin, CotriImportExportAdmin, HistoryAdmin):
    """Entries of every territory; the file import is ``exchange.progress_import``'s."""

    form = ProgressEntryAdminForm
    import_formats = PROGRESS_IMPORT_FORMATS
    import_resource_classes = [ProgressImportResource]
    export_resource_classes = [ProgressEntryExportResource]
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
    # National size: newest first on the primary key, sorts only on indexed columns, no
    # date_hierarchy (it reads every row's date), no second whole-table count, an estimated
    # count when nothing is filtered; search by contract reference prefix and codes first.
    ordering = ("-pk",)
    sortable_by = ("date", "status")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    search_fields = (
        "^indicator__objective__contract__reference",
        "=indicator__objective__code",
        "=indicator__code",
        "indicator__label",
    )
    search_help_text = (
        "Début de la référence du contrat, code exact de l'objectif ou de l'indicateur, "
        "ou mot du libellé de l'indicateur."
    )
    autocomplete_fields = ["indicator"]
    raw_id_fields = ["author"]
    readonly_fields = (*WORKFLOW_FIELDS, "source", "version", "created_at", "updated_at")
    inlines = [EvidenceInline, EntryTransitionInline]
    actions = [validate_entries]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "indicator",
                    "date",
                    "value",
                    "comment",
                    "comment_public",
                    "author",
                    "change_reason",
                    "loaded_version",
                )
            },
        ),
        (
            "Relecture",
            {
                "description": (
                    "Le statut ne se modifie pas ici : il change par l'action « Valider les "
                    "saisies soumises choisies » de la liste, ou sur la page de validation de "
                    "l'espace (/espace/validation/) pour renvoyer une saisie avec une note. "
                    "Chaque changement est journalisé et envoyé par courriel."
                ),
                "fields": WORKFLOW_FIELDS,
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

    def get_ordering(self, request):
        # A search keeps few entries: by contract and indicator, latest dates first (the planner
        # reads them by indicator and sorts them), never a walk of the whole table backwards on
        # its key or its dates looking for them.
        if request.GET.get(SEARCH_VAR, "").strip():
            return ("indicator__objective__contract__reference", "indicator_id", "-date", "-pk")
        return super().get_ordering(request)

    def get_search_results(self, request, queryset, search_term):
        """Search the small tables (contracts, indicators) first, then the entries by their
        indicator: never a free-text scan of a four-table join over every entry."""
        term = search_term.strip()
        if not term:
            return queryset, False
        indicators = Indicator.objects.filter(
            Q(objective__contract__reference__istartswith=term)
            | Q(objective__code__iexact=term)
            | Q(code__iexact=term)
            | Q(label__icontains=term)
        ).values_list("pk", flat=True)
        # The ids themselves (not a subquery) when they are few: the planner then reads the
        # entries of these indicators by index instead of walking the newest-first order.
        found = list(indicators[: SEARCH_MAX_INDICATORS + 1])
        if len(found) <= SEARCH_MAX_INDICATORS:
            return queryset.filter(indicator_id__in=found), False
        return queryset.filter(indicator__in=indicators), False

    def save_model(self, request, obj, form, change):
        """The workflow fields keep their stored values, whatever was posted or reverted to.

        They are read-only on the form; restoring an old version from the history page would
        otherwise bring its old status back without the workflow.
        """
        if change:
            kept = (*WORKFLOW_FIELDS, "version")  # a reverted version must not go back either
            attnames = [ProgressEntry._meta.get_field(name).attname for name in kept]
            stored = ProgressEntry.objects.filter(pk=obj.pk).values(*attnames).get()
            for attname, value in stored.items():
                setattr(obj, attname, value)
            obj.version += 1  # every save, a revert included: other open forms must reload
            reason = form.cleaned_data.get("change_reason", "").strip()
            if reason:
                obj._change_reason = reason  # simple-history keeps it on the new history row
        elif obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

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
    search_fields = ("=entry__indicator__code", "^entry__indicator__objective__contract__reference")
    # As large as the entries: newest first on the key, no date_hierarchy, estimated count.
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = EstimatedCountPaginator


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
