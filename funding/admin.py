"""Officers' admin for funding schedules (tranches), with their history."""

from django.contrib import admin

from funding.models import Funder, ProgrammeTranche, Tranche
from funding.services import tranche_planned_amount
from indicators.rules import format_euros_fr
from territories.admin import HistoryAdmin


@admin.register(Funder)
class FunderAdmin(HistoryAdmin):
    """Funders named by tranches and contract documents; their SIRET feeds the SCDL open data."""

    list_display = ("name", "code", "siret")
    search_fields = ("name", "code", "siret")

    def get_readonly_fields(self, request, obj=None):
        # Tranches store the code: renaming it would change what every document says.
        return ("code",) if obj is not None and obj.pk is not None else ()

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # simple-history select_related()s the tracked foreign keys: a funder has none, and a
        # select_related() without names is deprecated (an error under the tests' warnings).
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user")


@admin.register(ProgrammeTranche)
class ProgrammeTrancheAdmin(admin.ModelAdmin):
    """Tranches every new contract of a programme starts with (also edited on the programme)."""

    list_display = ("programme", "year", "label", "funder", "kind", "amount")
    list_select_related = ("programme", "funder")
    list_filter = ("programme", "funder", "kind")
    search_fields = ("label", "programme__code")


@admin.register(Tranche)
class TrancheAdmin(HistoryAdmin):
    list_display = (
        "contract_reference",
        "label",
        "year",
        "funder",
        "kind",
        "planned_display",
        "status",
        "paid_display",
        "paid_on",
    )
    list_display_links = ("contract_reference", "label")
    # The contract carries the population and the bonus rule: a bonus's cap costs no query.
    list_select_related = ("contract", "funder")
    list_filter = ("funder", "kind", "status", "year", "contract__programme")
    search_fields = ("contract__reference", "contract__title", "label")
    autocomplete_fields = ["contract"]
    fieldsets = (
        (None, {"fields": ("contract", "label", "year", "funder", "kind", "order")}),
        ("Montants", {"fields": ("planned_amount", "planned_display", "status")}),
        ("Versement", {"fields": ("paid_amount", "paid_on")}),
    )
    readonly_fields = ("planned_display",)

    @admin.display(description="contrat", ordering="contract__reference")
    def contract_reference(self, obj):
        return obj.contract.reference

    @admin.display(description="montant prévu")
    def planned_display(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        amount = tranche_planned_amount(tranche=obj)
        if amount is None:
            return "inconnu (population de référence du contrat manquante)"
        if obj.planned_amount is None:
            return f"{format_euros_fr(amount)} (plafond du bonus, non encore décidé)"
        return format_euros_fr(amount)

    @admin.display(description="montant versé", ordering="paid_amount")
    def paid_display(self, obj):
        return "—" if obj.paid_amount is None else format_euros_fr(obj.paid_amount)
