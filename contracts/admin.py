"""Officers' admin for programmes, referentials and contracts (lifecycle through actions)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.html import format_html, format_html_join

from contracts.admin_forms import (
    FROZEN_ONCE_SIGNED,
    ContractAdminForm,
    GovernanceBodyForm,
    ProgrammeAdminForm,
)
from contracts.enums import ContractStatus
from contracts.models import (
    Amendment,
    Contract,
    ContractDocument,
    ContractTransition,
    GovernanceBody,
    Incontournable,
    IncontournableGroup,
    Programme,
    ProjectMembership,
    Referential,
    Signatory,
)
from contracts.services import amendment_apply, contract_set_status
from cotri.admin_a11y import LabelledInlineMixin
from exchange.admin_exports import ContractExportResource
from french.output import agree, format_count, format_number
from funding.admin_evaluation import warn_if_misconfigured
from funding.funders import funder_names
from funding.models import ProgrammeTranche, Tranche
from funding.services import (
    contract_bonus_cap,
    contract_funding_totals,
    contract_tranches_from_programme,
)
from indicators.models import Objective
from indicators.rules import format_euros_fr
from territories.admin import (
    CotriExportMixin,
    DepartementFilter,
    HistoryAdmin,
    OneQueryChoicesMixin,
    ParentAwareMixin,
    ReadOnlyAdminMixin,
    admin_parent,
)


def _referential_of_parent(request):
    parent = admin_parent(request)
    if isinstance(parent, Referential):
        return {"referential": parent}
    if isinstance(parent, Contract):
        return {"referential_id": parent.programme.referential_id}
    return None


# --- Referentials and programmes -----------------------------------------------------------------


class IncontournableGroupInline(admin.TabularInline):
    model = IncontournableGroup
    extra = 0


class IncontournableInline(OneQueryChoicesMixin, admin.TabularInline):
    model = Incontournable
    fields = ("number", "title", "group")
    extra = 0
    choice_filters = {"group": _referential_of_parent}


@admin.register(Referential)
class ReferentialAdmin(ParentAwareMixin, admin.ModelAdmin):
    list_display = ("code", "name", "incontournable_count")
    search_fields = ("code", "name")
    inlines = [IncontournableGroupInline, IncontournableInline]
    ordering = Referential._meta.ordering

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_count=Count("incontournables"))

    @admin.display(description="incontournables", ordering="_count")
    def incontournable_count(self, obj):
        return obj._count


@admin.register(IncontournableGroup)
class IncontournableGroupAdmin(admin.ModelAdmin):
    list_display = ("title", "referential", "order")
    list_select_related = ("referential",)
    list_filter = ("referential",)
    search_fields = ("title",)


@admin.register(Incontournable)
class IncontournableAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "group", "referential")
    list_display_links = ("number", "title")
    list_select_related = ("group", "referential")
    list_filter = ("referential", "group")
    search_fields = ("title", "=number")


class ProgrammeTrancheInline(LabelledInlineMixin, admin.TabularInline):
    model = ProgrammeTranche
    fields = ("year", "label", "funder", "kind", "amount", "order")
    extra = 0
    verbose_name_plural = "tranches de financement par défaut (copiées dans chaque nouveau contrat)"


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    form = ProgrammeAdminForm
    inlines = [ProgrammeTrancheInline]
    list_display = ("code", "short_name", "name", "referential", "default_duration_years")
    list_select_related = ("referential",)
    search_fields = ("code", "name", "short_name")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    "short_name",
                    "name",
                    "description",
                    "referential",
                    "default_duration_years",
                )
            },
        ),
        (
            "Règle du bonus par défaut",
            {
                "description": "Copiée dans chaque nouveau contrat du programme.",
                "fields": Programme.RULE_FIELDS,
            },
        ),
    )


# --- Contracts -----------------------------------------------------------------------------------


class ObjectiveInline(LabelledInlineMixin, OneQueryChoicesMixin, admin.TabularInline):
    model = Objective
    fields = ("code", "title", "incontournable", "priority", "order", "indicator_count")
    readonly_fields = ("indicator_count",)
    show_change_link = True  # indicators, actions, actors and means are edited there
    extra = 0
    ordering = ("order", "code")
    choice_filters = {"incontournable": _referential_of_parent}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_indicator_count=Count("indicators"))

    @admin.display(description="indicateurs")
    def indicator_count(self, obj):
        return getattr(obj, "_indicator_count", 0)


CONTRACT_IDENTITY_FIELDS = (
    "reference",
    "programme",
    "territory",
    "title",
    "holder",
    "holder_siret",
    "summary",
)


class TrancheInline(LabelledInlineMixin, admin.TabularInline):
    model = Tranche
    fields = (
        "year",
        "label",
        "funder",
        "kind",
        "planned_amount",
        "status",
        "paid_amount",
        "paid_on",
        "order",
    )
    extra = 0


class SignatoryInline(LabelledInlineMixin, admin.TabularInline):
    model = Signatory
    extra = 0


class GovernanceBodyInline(admin.StackedInline):
    model = GovernanceBody
    form = GovernanceBodyForm
    extra = 0


class ContractDocumentInline(LabelledInlineMixin, admin.TabularInline):
    model = ContractDocument
    extra = 0


class AmendmentInline(admin.StackedInline):
    model = Amendment
    extra = 0


class ContractTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ContractTransition
    fields = ("at", "from_status", "to_status", "by", "note")
    readonly_fields = fields
    extra = 0
    verbose_name_plural = "historique des changements de statut"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


def _transition_action(to_status: ContractStatus):
    @admin.action(
        description=f"Passer au statut « {to_status.label} »",
        permissions=["change"],
    )
    def action(modeladmin, request, queryset):
        modeladmin.apply_transition(request, queryset, to_status)

    action.__name__ = f"set_status_{to_status.value}"
    return action


@admin.register(Contract)
class ContractAdmin(ParentAwareMixin, CotriExportMixin, HistoryAdmin):
    form = ContractAdminForm
    export_resource_classes = [ContractExportResource]
    list_display = (
        "reference",
        "title",
        "programme",
        "territory_name",
        "status",
        "published",
        "objective_count",
    )
    list_select_related = ("programme", "territory")
    list_filter = (
        "programme",
        "status",
        "published",
        ("territory__departement_code", DepartementFilter),
    )
    search_fields = ("reference", "title", "territory__name", "holder")
    autocomplete_fields = ["territory"]
    ordering = Contract._meta.ordering
    readonly_fields = ("status", "bonus_cap_display", "funding_display", "created_at", "updated_at")
    actions = [
        _transition_action(status)
        for status in (
            ContractStatus.SIGNED,
            ContractStatus.ACTIVE,
            ContractStatus.CLOSED,
            ContractStatus.TERMINATED,
        )
    ]
    inlines = [
        ObjectiveInline,
        TrancheInline,
        SignatoryInline,
        GovernanceBodyInline,
        ContractDocumentInline,
        AmendmentInline,
        ContractTransitionInline,
    ]
    fieldsets = (
        (
            None,
            {"fields": CONTRACT_IDENTITY_FIELDS},
        ),
        (
            "Calendrier et statut",
            {
                "description": (
                    "Le statut change par les actions de la liste des contrats "
                    "(« Passer au statut … ») : chaque changement est journalisé."
                ),
                "fields": ("status", "signed_on", "start", "end", "published", "demo_data"),
            },
        ),
        (
            "Population de référence et bonus de l'année 3",
            {
                "fields": (
                    "population",
                    "population_vintage",
                    *Contract.RULE_FIELDS,
                    "bonus_cap_display",
                )
            },
        ),
        ("Financement", {"fields": ("funding_display",)}),
        ("Données", {"fields": ("data_notes", "created_at", "updated_at")}),
    )

    add_fieldsets = (
        (
            None,
            {
                "description": (
                    "La règle du bonus et les tranches de financement sont reprises du "
                    "programme ; la population de référence, du territoire si vous la laissez "
                    "vide. Les objectifs s'ajoutent ensuite, parmi les incontournables du "
                    "programme."
                ),
                "fields": CONTRACT_IDENTITY_FIELDS,
            },
        ),
        ("Calendrier", {"fields": ("signed_on", "start", "end", "published")}),
        ("Population de référence", {"fields": ("population", "population_vintage")}),
        ("Données", {"fields": ("data_notes",)}),
    )

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        # Objectives need the programme's referential, tranches come from the programme: both
        # are edited once the contract exists.
        return [] if obj is None else super().get_inlines(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.status != ContractStatus.DRAFT:
            fields = (*fields, *FROZEN_ONCE_SIGNED)
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            form.apply_defaults(obj)
        super().save_model(request, obj, form, change)
        if not change:
            tranches = contract_tranches_from_programme(contract=obj, by=request.user)
            vintage = obj.population_vintage or "inconnu"
            population = (
                f"{format_number(obj.population)} habitants (millésime {vintage})"
                if obj.population is not None
                else "inconnue : renseignez-la avant la signature"
            )
            messages.info(
                request,
                f"Règle du bonus du programme {obj.programme} reprise ; "
                f"{format_count(len(tranches), 'tranche')} de financement par défaut ; "
                f"population de référence {population}.",
            )
        if obj.published and obj.status == ContractStatus.DRAFT:
            messages.warning(
                request,
                "La fiche reste privée : un contrat au statut « Brouillon » n'est jamais publié. "
                "Elle sera visible dès que le contrat passera au statut « Signé » "
                "(action « Passer au statut … » de la liste des contrats).",
            )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Amendment:
            for amendment in formset.new_objects + [o for o, _ in formset.changed_objects]:
                amendment_apply(amendment=amendment, by=request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_objective_count=Count("objectives"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        warn_if_misconfigured(request, form.instance)  # objectives and rule as just saved

    @admin.display(description="territoire", ordering="territory__name")
    def territory_name(self, obj):
        return obj.territory.name

    @admin.display(description="objectifs", ordering="_objective_count")
    def objective_count(self, obj):
        return obj._objective_count

    @admin.display(description="plafond du bonus")
    def bonus_cap_display(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        cap = contract_bonus_cap(contract=obj)
        if cap is None:
            return "inconnu : la population de référence n'est pas renseignée"
        return f"{format_euros_fr(cap)} (population × montant par habitant, limité au plafond)"

    @admin.display(description="totaux du plan de financement")
    def funding_display(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        totals = contract_funding_totals(contract=obj)
        rows = [("Total prévu", format_euros_fr(totals.planned))]
        names = funder_names()
        rows += [(names.get(f, f), format_euros_fr(a)) for f, a in totals.by_funder.items()]
        rows += [(f"Année {y}", format_euros_fr(a)) for y, a in totals.by_year.items()]
        rows.append(("Déjà versé", format_euros_fr(totals.paid)))
        table = format_html(
            "<table>{}</table>",
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )
        if totals.undetermined:
            table += format_html(
                "<p>{} de bonus sans montant : population de référence inconnue.</p>",
                format_count(totals.undetermined, "tranche"),
            )
        return table

    def apply_transition(self, request, queryset, to_status: ContractStatus) -> None:
        moved, unchanged, refused = [], [], []
        for contract in queryset.order_by("reference"):
            if contract.status == to_status:
                unchanged.append(contract.reference)
                continue
            try:
                contract_set_status(
                    contract=contract,
                    to_status=to_status,
                    by=request.user,
                    note="Action de l'administration",
                )
            except ValidationError as exc:
                refused.append(f"{contract.reference} : {' '.join(exc.messages)}")
            else:
                moved.append(contract.reference)
        label = to_status.label
        if moved:
            passed = agree(len(moved), "Passé", "Passés")
            messages.success(request, f"{passed} au statut « {label} » : {', '.join(moved)}.")
        if unchanged:
            messages.info(request, f"Déjà au statut « {label} » : {', '.join(unchanged)}.")
        for refusal in refused:
            messages.error(request, f"Changement refusé pour {refusal}")


@admin.register(ContractTransition)
class ContractTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("contract", "from_status", "to_status", "at", "by", "note")
    list_select_related = ("contract", "by")
    list_filter = ("to_status", "at")
    search_fields = ("contract__reference", "note")
    date_hierarchy = "at"


class ContractPartAdmin(admin.ModelAdmin):
    """Parts of a contract, also editable on the contract's page."""

    list_select_related = ("contract",)
    search_fields = ("contract__reference",)
    autocomplete_fields = ["contract"]
    list_filter = ("contract__programme",)


@admin.register(Signatory)
class SignatoryAdmin(ContractPartAdmin):
    list_display = ("organisation", "person", "role", "contract")
    search_fields = ("organisation", "person", "contract__reference")


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(ContractPartAdmin):
    form = GovernanceBodyForm
    list_display = ("__str__", "kind", "contract")
    list_filter = ("kind", "contract__programme")


@admin.register(ContractDocument)
class ContractDocumentAdmin(ContractPartAdmin):
    list_display = ("title", "kind", "dated", "contract")
    list_filter = ("kind", "contract__programme")
    search_fields = ("title", "contract__reference")


@admin.register(Amendment)
class AmendmentAdmin(ContractPartAdmin):
    list_display = ("__str__", "signed_on", "contract")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        amendment_apply(amendment=obj, by=request.user)


@admin.register(ProjectMembership)
class ProjectMembershipAdmin(admin.ModelAdmin):
    """Who reports (chef de projet) or reads (lecteur) the contracts of a territory."""

    list_display = ("user", "territory", "role", "created_at")
    list_select_related = ("user", "territory")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "territory__name")
    autocomplete_fields = ["territory"]
    raw_id_fields = ["user"]
