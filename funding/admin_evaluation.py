"""Officers' admin of the year-3 bonus evaluations (registered from funding.apps).

The snapshots are read-only. Two actions, on the list and on each evaluation's page:
« Évaluer maintenant » (a new snapshot of the contract's current data) and « Décider » (after a
confirmation page, the amount becomes the bonus tranche's planned amount). A configuration error
shows as a red banner on the evaluation's page and as an error message after « Évaluer ».

For the contracts' admin: ``EvaluationInline`` lists a contract's evaluations, the action
``evaluate_contracts_now`` evaluates selected contracts, and the URL
``admin:funding_evaluation_evaluate_contract`` (POST, ``contract_id``) evaluates one contract.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from contracts.models import Contract
from exchange.admin_exports import EvaluationExportResource
from french.output import format_date
from funding.enums import TrancheKind
from funding.evaluations import (
    contract_entries_under_review,
    contract_evaluation_preview,
    contracts_evaluate,
    evaluation_decide,
    evaluation_headline_fr,
    evaluation_inputs_changed,
    objective_rows_fr,
)
from funding.models import Evaluation, EvaluationInputs, EvaluationStatus, Tranche
from indicators.rules import format_euros_fr, format_threshold_fr
from territories.admin import CotriExportMixin, ReadOnlyAdminMixin

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
STATUS_STYLE = {
    EvaluationStatus.ELIGIBLE: "color: #1b5e20; font-weight: bold",
    EvaluationStatus.NOT_ELIGIBLE: "color: #8a4b00",
    EvaluationStatus.CONFIGURATION_ERROR: "color: #ba2121; font-weight: bold",
}


def can_evaluate(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("funding.add_evaluation")


def can_decide(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("funding.decide_evaluation")


def _report(request, evaluations: list[Evaluation]) -> None:
    """One message per contract; configuration errors as error messages (a red banner)."""
    for evaluation in evaluations:
        state = "nouvel instantané" if evaluation.created else "données inchangées"
        text = (
            f"{evaluation.contract.reference} au {format_date(evaluation.as_of)} : "
            f"{evaluation_headline_fr(evaluation)} ({state})."
        )
        if evaluation.status == EvaluationStatus.CONFIGURATION_ERROR:
            details = " ; ".join(e["message"] for e in evaluation.errors)
            messages.error(request, f"{text} Évaluation impossible : {details}.")
        else:
            messages.success(request, text)


@admin.action(description="Évaluer maintenant les contrats sélectionnés")
def evaluate_contracts_now(modeladmin, request, queryset):
    """Action for the contracts' admin."""
    if not can_evaluate(request.user):
        messages.error(request, "Vous n'avez pas le droit d'évaluer des contrats.")
        return
    _report(request, contracts_evaluate(contracts=list(queryset), by=request.user))


class DecidedFilter(admin.SimpleListFilter):
    title = "décision"
    parameter_name = "decidee"

    def lookups(self, request, model_admin):
        return [("oui", "Décidée"), ("non", "Non décidée")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(decided_at__isnull=False)
        if self.value() == "non":
            return queryset.filter(decided_at__isnull=True)
        return queryset


class EvaluationDisplayMixin:
    @admin.display(description="résultat", ordering="status")
    def status_display(self, obj):
        return format_html(
            '<span style="{}">{}</span>', STATUS_STYLE[obj.status], obj.get_status_display()
        )

    @admin.display(description="bonus", ordering="bonus_amount")
    def amount_display(self, obj):
        return "—" if obj.bonus_amount is None else format_euros_fr(obj.bonus_amount)

    @admin.display(description="plafond", ordering="bonus_cap")
    def cap_display(self, obj):
        return "inconnu" if obj.bonus_cap is None else format_euros_fr(obj.bonus_cap)

    @admin.display(description="décision", ordering="decided_at")
    def decided_display(self, obj):
        if obj.decided_at is None:
            return "—"
        if obj.decided_by is None:
            return f"décidée le {format_date(obj.decided_at)}"
        who = obj.decided_by.get_full_name() or obj.decided_by.get_username()
        return f"décidée le {format_date(obj.decided_at)} par {who}"


class EvaluationInline(EvaluationDisplayMixin, admin.TabularInline):
    """A contract's evaluations, latest first, for the contracts' admin."""

    model = Evaluation
    fk_name = "contract"
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ("as_of", "status_display", "amount_display", "cap_display", "decided_display")
    readonly_fields = fields
    ordering = ("-as_of", "-created_at", "-pk")
    verbose_name_plural = "évaluations du bonus (instantanés)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(EvaluationDisplayMixin, CotriExportMixin, admin.ModelAdmin):
    export_resource_classes = [EvaluationExportResource]
    list_display = (
        "contract_reference",
        "as_of",
        "status_display",
        "amount_display",
        "cap_display",
        "decided_display",
        "freshness_display",
        "errors_display",
        "created_at",
    )
    list_display_links = ("contract_reference", "as_of")
    list_select_related = ("contract", "decided_by")
    list_filter = ("status", DecidedFilter, "contract__programme")
    search_fields = ("contract__reference", "contract__title")
    actions = ["evaluate_now", "decide"]
    change_form_template = "admin/funding/evaluation/change_form.html"
    fieldsets = (
        (None, {"fields": ("contract", "as_of", "status", "bonus_amount", "bonus_cap")}),
        (
            "Règle et données",
            {"fields": ("rule_display", "population", "contract_start", "contract_end")},
        ),
        (
            "Traçabilité",
            {
                "fields": ("created_at", "created_by", "decided_at", "decided_by", "fingerprint"),
                "classes": ("collapse",),
            },
        ),
    )
    readonly_fields = ("rule_display",)

    # --- Permissions: snapshots are written by the service only ---------------------------------

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_evaluate_permission(self, request):
        return can_evaluate(request.user)

    def has_decide_permission(self, request):
        return can_decide(request.user)

    # --- Columns and fields --------------------------------------------------------------------

    @admin.display(description="contrat", ordering="contract__reference")
    def contract_reference(self, obj):
        return obj.contract.reference

    def get_queryset(self, request):
        return super().get_queryset(request).with_staleness()

    @admin.display(description="données", ordering="is_stale")
    def freshness_display(self, obj):
        if getattr(obj, "is_stale", False):
            return format_html('<strong style="color: #b34000;">{}</strong>', "modifiées depuis")
        return "à jour"

    @admin.display(description="erreurs de configuration")
    def errors_display(self, obj):
        if obj.status != EvaluationStatus.CONFIGURATION_ERROR:
            return "—"
        return format_html_join(
            "", '<div style="color: #ba2121;">{}</div>', ((e["message"],) for e in obj.errors)
        )

    @admin.display(description="règle du bonus appliquée")
    def rule_display(self, obj):
        rule = obj.rule
        mode = {"all_or_nothing": "tout ou rien", "prorata": "au prorata"}.get(rule["mode"])
        cap = f", plafond absolu {format_euros_fr(Decimal(rule['cap']))}" if rule["cap"] else ""
        return (
            f"{format_euros_fr(Decimal(rule['per_inhabitant']))} par habitant{cap} ; "
            f"seuil par objectif {format_threshold_fr(Decimal(rule['objective_threshold']))}, "
            f"{rule['priority_count']} objectifs prioritaires à "
            f"{format_threshold_fr(Decimal(rule['priority_threshold']))} ; {mode}"
        )

    # --- Actions -------------------------------------------------------------------------------

    @admin.action(description="Évaluer maintenant", permissions=["evaluate"], location=BOTH)
    def evaluate_now(self, request, queryset):
        contract_ids = queryset.values_list("contract_id", flat=True).distinct()
        contracts = Contract.objects.filter(pk__in=list(contract_ids)).order_by("reference")
        evaluations = contracts_evaluate(contracts=contracts, by=request.user)
        _report(request, evaluations)
        if len(evaluations) == 1:
            return HttpResponseRedirect(_change_url(evaluations[0]))
        return None

    @admin.action(description="Décider", permissions=["decide"], location=BOTH)
    def decide(self, request, queryset):
        evaluations = list(queryset.select_related("contract"))
        if len(evaluations) != 1:
            messages.warning(request, "Décidez une évaluation à la fois.")
            return None
        (evaluation,) = evaluations
        if request.POST.get("confirmation") != "oui":
            return self._confirm_decision(request, evaluation)
        try:
            evaluation = evaluation_decide(evaluation=evaluation, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return None
        messages.success(
            request,
            f"Évaluation décidée : la tranche de bonus de {evaluation.contract.reference} est "
            f"fixée à {format_euros_fr(evaluation.bonus_amount)}.",
        )
        return HttpResponseRedirect(_change_url(evaluation))

    def _confirm_decision(self, request, evaluation: Evaluation):
        action_field = "CHANGE_FORM-action" if "CHANGE_FORM-action" in request.POST else "action"
        tranche = (
            Tranche.objects.filter(contract_id=evaluation.contract_id, kind=TrancheKind.BONUS)
            .order_by("pk")
            .first()
        )
        other = (
            Evaluation.objects.decided()
            .filter(contract_id=evaluation.contract_id)
            .exclude(pk=evaluation.pk)
            .first()
        )
        newer = (
            Evaluation.objects.filter(contract_id=evaluation.contract_id)
            .filter(Q(as_of__gt=evaluation.as_of) | Q(as_of=evaluation.as_of, pk__gt=evaluation.pk))
            .exists()
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Décider l'évaluation du bonus",
            "evaluation": evaluation,
            "headline": evaluation_headline_fr(evaluation),
            "amount": format_euros_fr(evaluation.bonus_amount or 0),
            "tranche": tranche,
            "other_decided": other,
            "newer_exists": newer,
            "stale": evaluation_inputs_changed(evaluation=evaluation),
            "under_review": contract_entries_under_review(contract_id=evaluation.contract_id),
            "action_field": action_field,
        }
        return TemplateResponse(
            request, "admin/funding/evaluation/decide_confirmation.html", context
        )

    # --- Views ---------------------------------------------------------------------------------

    def get_urls(self):
        custom = [
            path(
                "contrat/<int:contract_id>/evaluer/",
                self.admin_site.admin_view(self.evaluate_contract_view),
                name="funding_evaluation_evaluate_contract",
            )
        ]
        return custom + super().get_urls()

    def evaluate_contract_view(self, request, contract_id: int):
        """POST: evaluate one contract now, then show its snapshot."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not can_evaluate(request.user):
            raise PermissionDenied
        contract = get_object_or_404(Contract, pk=contract_id)
        (evaluation,) = contracts_evaluate(contracts=[contract], by=request.user)
        _report(request, [evaluation])
        return HttpResponseRedirect(_change_url(evaluation))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        evaluation = self.get_object(request, object_id)
        extra = {}
        if evaluation is not None:
            extra = {
                "action_index": 0,  # read by Django's change-form actions template
                "evaluation": evaluation,
                "headline": evaluation_headline_fr(evaluation),
                "objective_rows": objective_rows_fr(evaluation),
                "misconfigured": evaluation.status == EvaluationStatus.CONFIGURATION_ERROR,
                "contract_evaluations_url": (
                    reverse("admin:funding_evaluation_changelist")
                    + f"?contract__id__exact={evaluation.contract_id}"
                ),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})


@admin.register(EvaluationInputs)
class EvaluationInputsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """When each contract's evaluation inputs last changed and were last read (written by the
    scheduler and the evaluation service only)."""

    list_display = ("contract", "changed_at", "checked_at")
    list_select_related = ("contract",)
    search_fields = ("contract__reference",)


def warn_if_misconfigured(request, contract: Contract) -> None:
    """After an officer saves a contract: an admin warning listing its configuration errors
    (the evaluation of the saved data, computed and not stored). The public never reads them."""
    evaluation = contract_evaluation_preview(contract=contract)
    if evaluation.status != EvaluationStatus.CONFIGURATION_ERROR:
        return
    messages.warning(
        request,
        format_html(
            "Erreur de configuration : le bonus de {} ne peut pas être évalué "
            "(le public lit « évaluation du bonus non disponible »).<ul>{}</ul>",
            contract.reference,
            format_html_join("", "<li>{}</li>", ((e["message"],) for e in evaluation.errors)),
        ),
    )


def _change_url(evaluation: Evaluation) -> str:
    return reverse("admin:funding_evaluation_change", args=[evaluation.pk])
