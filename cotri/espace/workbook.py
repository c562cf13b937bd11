"""The objectives' workbooks in the chefs de projet's space: read by every member, kept by the
territory's chefs de projet; officers read what changed since their last visit."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from cotri.french_fields import FrenchDateField
from indicators import perms
from indicators.enums import ActionStatus, ActorRole, MeansKind, Quadrant
from indicators.models import Objective
from indicators.workbook import ITEMS, objective_workbook_update, workbook_visit

from .bonus import contract_for_user
from .forms import DsfrMixin
from .workbook_history import workbook_changes

member_required = login_required(login_url=reverse_lazy("espace:login"))
DATE = {
    "required": False,
    # A browser's date input sends ISO dates; FrenchDateField also reads « 31/12/2023 ».
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
}


class _ItemForm(DsfrMixin, forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ActionForm(_ItemForm):
    title = forms.CharField(label="Action", max_length=500)
    lead = forms.CharField(label="Porteur", max_length=200, required=False)
    status = forms.ChoiceField(
        label="État", choices=ActionStatus.choices, initial=ActionStatus.PLANNED
    )
    starts_on = FrenchDateField(label="Début", **DATE)
    ends_on = FrenchDateField(label="Fin", **DATE)
    scheme = forms.CharField(
        label="Démarche de rattachement",
        max_length=200,
        required=False,
        help_text="Par ex. « Démarche REV 3 (GCT&M) ».",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "La fin précède le début de l'action.")
        return data


class ActorForm(_ItemForm):
    organisation = forms.CharField(label="Organisme", max_length=200)
    role = forms.ChoiceField(label="Rôle", choices=ActorRole.choices, initial=ActorRole.LEAD)
    quadrant = forms.ChoiceField(
        label="Place (intérêt × influence)",
        choices=[("", "Non placé"), *Quadrant.choices],
        required=False,
    )


class MeansForm(_ItemForm):
    kind = forms.ChoiceField(
        label="Nature", choices=MeansKind.choices, initial=MeansKind.ENGINEERING
    )
    organisation = forms.CharField(label="Organisme", max_length=200)
    detail = forms.CharField(label="Précision", max_length=300, required=False)


FORMS = {"actions": ActionForm, "actors": ActorForm, "means": MeansForm}


class FindingsForm(DsfrMixin, forms.Form):
    findings = forms.CharField(
        label="État des lieux",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Un constat par ligne, par exemple « Ingénierie limitée (conseillers FAIRE) ».",
        max_length=10000,
    )


def _formsets(objective: Objective, data=None) -> dict[str, forms.BaseFormSet]:
    formsets = {}
    for name, form_class in FORMS.items():
        fields = ITEMS[name][1]
        initial = [
            {"id": item.pk, **{f: getattr(item, f) for f in fields}}
            for item in getattr(objective, name).all()
        ]
        factory = forms.formset_factory(form_class, extra=1, can_delete=True, max_num=200)
        formsets[name] = factory(data, initial=initial, prefix=name)
    return formsets


def _rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data:  # the empty extra form
            continue
        rows.append({**data, "delete": data.get("DELETE", False)})
    return rows


def _get_objective_for_user(request, reference: str, code: str) -> Objective:
    contract = contract_for_user(request.user, reference)
    objectives = (
        Objective.objects.filter(contract=contract)
        .select_related("contract__territory", "incontournable")
        .prefetch_related("actions", "actors", "means")
    )
    return get_object_or_404(objectives, code=code)


@member_required
@require_http_methods(["GET", "POST"])
def objective_workbook(request, reference: str, code: str):
    objective = _get_objective_for_user(request, reference, code)
    can_edit = perms.can_edit_workbook(request.user, objective)
    findings_form = FindingsForm(initial={"findings": "\n".join(objective.findings)})
    formsets = _formsets(objective) if can_edit else {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Seuls les chefs de projet du territoire modifient ce carnet.")
        findings_form = FindingsForm(request.POST)
        formsets = _formsets(objective, request.POST)
        if findings_form.is_valid() and all(f.is_valid() for f in formsets.values()):
            try:
                objective_workbook_update(
                    objective=objective,
                    by=request.user,
                    findings=findings_form.cleaned_data["findings"].splitlines(),
                    **{name: _rows(formset) for name, formset in formsets.items()},
                )
            except ValidationError as exc:
                findings_form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, "Carnet enregistré.")
                return redirect("espace:workbook", reference=reference, code=code)
    return render(
        request,
        "espace/workbook.html",
        {
            "contract": objective.contract,
            "objective": objective,
            "can_edit": can_edit,
            "findings_form": findings_form,
            "formsets": formsets,
        },
    )


@member_required
@require_http_methods(["GET"])
def workbook_journal(request, reference: str):
    """Every member reads the latest changes; an officer reads what changed since their last
    visit (the visit is then recorded)."""
    contract = contract_for_user(request.user, reference)
    officer = perms.is_officer(request.user)
    since = workbook_visit(contract=contract, by=request.user) if officer else None
    return render(
        request,
        "espace/workbook_journal.html",
        {
            "contract": contract,
            "changes": workbook_changes(contract=contract, since=since),
            "since": since,
            "officer": officer,
        },
    )
