"""The chefs de projet's space (/espace/): contracts, indicators, progress entries, validation.

Every object is fetched through one helper that fetches, authorises and preloads: an object
outside the user's territories answers 404, whatever its id. Rights come from indicators.perms.
"""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contracts.models import Contract
from french.output import agree, format_count
from funding.evaluations import contract_evaluation_preview, objective_rows_fr
from indicators import perms
from indicators.enums import EntryStatus
from indicators.models import Evidence, Indicator, Objective, ProgressEntry
from indicators.services import (
    EntriesRefused,
    entries_review,
    entry_add_evidence,
    entry_save_draft,
    entry_submit,
)
from reporting.todo import chef_todo
from reports.content import report_years

from .admin_actions import refused_summary
from .bonus import bonus_block
from .forms import EntryForm, QueueFilterForm, ReviewForm

LOGIN_URL = reverse_lazy("espace:login")
QUEUE_PAGE_SIZE = 100
member_required = login_required(login_url=LOGIN_URL)


# --- Fetch + authorise + preload ----------------------------------------------------------------


def _get_contract_for_user(request, reference: str) -> Contract:
    contracts = perms.contracts_visible_to(request.user).select_related("programme", "territory")
    return get_object_or_404(contracts, reference=reference)


def _get_indicator_for_user(request, pk: int) -> Indicator:
    visible = perms.contracts_visible_to(request.user)
    indicators = Indicator.objects.select_related(
        "objective__contract__territory", "objective__contract__programme"
    ).filter(objective__contract__in=visible)
    return get_object_or_404(indicators, pk=pk)


def _get_entry_for_user(request, pk: int) -> ProgressEntry:
    visible = perms.contracts_visible_to(request.user)
    entries = ProgressEntry.objects.select_related(
        "indicator__objective__contract__territory", "author", "reviewer"
    ).filter(indicator__objective__contract__in=visible)
    return get_object_or_404(entries, pk=pk)


def _get_evidence_for_user(request, pk: int) -> Evidence:
    visible = perms.contracts_visible_to(request.user)
    evidence = Evidence.objects.filter(entry__indicator__objective__contract__in=visible)
    return get_object_or_404(evidence, pk=pk)


# --- Pages ---------------------------------------------------------------------------------------


@member_required
@require_http_methods(["GET"])
def home(request):
    contracts = (
        perms.contracts_visible_to(request.user)
        .select_related("programme", "territory")
        .order_by("territory__name", "reference")
    )
    editable = perms.contracts_editable_by(request.user)
    rows = [{"contract": c, "can_report": c.pk in editable} for c in contracts]
    # The chef's to-do (campaigns due, returned entries, drafts): reporting.todo.
    todo = chef_todo(user=request.user, today=timezone.localdate()) if editable else {}
    return render(
        request,
        "espace/home.html",
        {
            "rows": rows,
            "is_officer": perms.is_officer(request.user),
            "can_import": bool(editable),
            "todo": todo,
        },
    )


@member_required
@require_http_methods(["GET"])
def contract_detail(request, reference: str):
    contract = _get_contract_for_user(request, reference)
    objectives = (
        Objective.objects.filter(contract=contract)
        .select_related("incontournable")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("order")))
        .order_by("incontournable__number", "order", "code")
    )
    evaluation = contract_evaluation_preview(contract=contract)
    rows = {row["code"]: row for row in objective_rows_fr(evaluation)}
    groups: dict = defaultdict(list)
    for objective in objectives:
        row = rows.get(objective.code)
        indicator_rows = {i["code"]: i for i in row["indicators"]} if row else {}
        groups[objective.incontournable].append(
            {
                "objective": objective,
                "row": row,
                "indicators": [
                    {"indicator": i, "row": indicator_rows.get(i.code)}
                    for i in objective.indicators.all()
                ],
            }
        )
    return render(
        request,
        "espace/contract.html",
        {
            "contract": contract,
            "groups": list(groups.items()),
            "evaluation": evaluation,
            "bonus": bonus_block(contract=contract, evaluation=evaluation),
            "can_report": perms.can_report_on_contract(request.user, contract),
            "report_years": report_years(contract),
        },
    )


def _save_entry(request, *, indicator: Indicator, entry: ProgressEntry | None, form: EntryForm):
    data = form.cleaned_data
    entry = entry_save_draft(
        indicator=indicator,
        by=request.user,
        entry=entry,
        expected_version=data.get("version"),
        date=data["date"],
        value=data["value"],
        comment=data["comment"],
        private_note=data.get("private_note", ""),
    )
    if data.get("evidence"):
        entry_add_evidence(entry=entry, by=request.user, file=data["evidence"])
    if request.POST.get("action") == "submit":
        entry_submit(entry=entry, by=request.user)
        messages.success(request, "Saisie soumise : un agent va la relire.")
    else:
        messages.success(request, "Brouillon enregistré.")
    return entry


@member_required
@require_http_methods(["GET", "POST"])
def indicator_detail(request, pk: int):
    indicator = _get_indicator_for_user(request, pk)
    can_report = perms.can_report_progress(request.user, indicator)
    form = EntryForm()
    if request.method == "POST":
        if not can_report:
            raise PermissionDenied("Vous ne pouvez pas saisir l'avancement de ce contrat.")
        form = EntryForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                _save_entry(request, indicator=indicator, entry=None, form=form)
            except ValidationError as exc:
                form.add_error(None, exc)  # a date refusal goes under the date field
            else:
                return redirect("espace:indicator", pk=indicator.pk)
    entries = (
        indicator.entries.select_related("author", "reviewer")
        .prefetch_related("evidence")
        .order_by("-date", "-pk")
    )
    return render(
        request,
        "espace/indicator.html",
        {
            "indicator": indicator,
            "contract": indicator.objective.contract,
            "entries": entries,
            "form": form,
            "can_report": can_report,
            "can_read_private_notes": perms.can_read_private_notes(
                request.user, indicator.objective.contract
            ),
            "editable_statuses": [EntryStatus.DRAFT, EntryStatus.RETURNED],
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk: int):
    entry = _get_entry_for_user(request, pk)
    if not perms.can_edit_entry(request.user, entry):
        raise PermissionDenied("Cette saisie ne se modifie pas.")
    indicator = entry.indicator
    initial = {
        "date": entry.date,
        "value": entry.value,
        "comment": entry.comment,
        "private_note": entry.private_note,
        "version": entry.version,
    }
    form = EntryForm(initial=initial)
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES, initial=initial)
        if form.is_valid():
            try:
                _save_entry(request, indicator=indicator, entry=entry, form=form)
            except ValidationError as exc:
                form.add_error(None, exc)  # a date refusal goes under the date field
            else:
                return redirect("espace:indicator", pk=indicator.pk)
    return render(
        request,
        "espace/entry_form.html",
        {
            "entry": entry,
            "indicator": indicator,
            "contract": indicator.objective.contract,
            "form": form,
            "evidence": entry.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk"),
            "can_remove_evidence": entry.status == EntryStatus.DRAFT,
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def validation_queue(request):
    if not perms.is_officer(request.user):
        raise PermissionDenied("Page réservée aux agents.")
    filters = QueueFilterForm(request.GET or None)
    entries = filters.entries(
        ProgressEntry.objects.filter(status=EntryStatus.SUBMITTED)
        .select_related(
            "indicator__objective__contract__territory",
            "indicator__objective__contract__programme",
            "author",
        )
        .prefetch_related("evidence")
    )
    entries = entries.order_by("submitted_at", "pk")
    form = ReviewForm(entries=entries)
    if request.method == "POST":
        form = ReviewForm(request.POST, entries=entries)
        if form.is_valid():
            _review(request, form)
            return redirect(f"{reverse('espace:queue')}?{request.GET.urlencode()}")
    # Oldest first, a page at a time (index on status, submitted_at): thousands may wait.
    page = Paginator(entries, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "espace/queue.html",
        {
            "entries": page.object_list,
            "page": page,
            "query": query.urlencode(),
            "form": form,
            "filters": filters,
        },
    )


def _review(request, form: ReviewForm) -> None:
    """Apply the decision to the ticked entries, all or none (``entries_review``)."""
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    to_status = EntryStatus.VALIDATED if action == "validate" else EntryStatus.RETURNED
    try:
        outcome = entries_review(
            entry_ids=[entry.pk for entry in form.cleaned_data["entries"]],
            by=request.user,
            to_status=to_status,
            note=note,
        )
    except EntriesRefused as refused:
        asked = len(form.cleaned_data["entries"])
        messages.error(request, refused_summary(asked, action=action))
        for line in refused.messages:
            messages.error(request, line)
        return
    done = len(outcome.reviewed)
    verb = agree(done, "validée" if action == "validate" else "renvoyée")
    if done:
        messages.success(request, f"{format_count(done, 'saisie')} {verb}.")


@member_required
@require_http_methods(["GET"])
def evidence_download(request, pk: int):
    """Justificatifs are private: served to the contract's members and officers only."""
    evidence = _get_evidence_for_user(request, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Le fichier de ce justificatif est introuvable.") from exc
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name)
