"""Pages of the reporting cycle, under /espace/ (namespace "reporting").

Officers: campaigns list, opening a campaign, yearly generation, the completeness board and its
export, closing, reviewing a report, unlocking an entry. Chefs de projet: their contract's report
page (mark complete). Everyone signed in: the reminders profile. Each object is fetched, authorised
and preloaded by one helper; another territory's report answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from contracts.perms import contracts_visible_to
from cotri.espace.views import member_required
from exchange.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_csv, table_xlsx
from french.output import agree, format_count
from french.output import format_date as date_fr
from indicators.models import ProgressEntry
from reporting import perms, services
from reporting.board import campaign_board, campaign_rows, campaigns_with_counts
from reporting.exports import board_table
from reporting.forms import (
    BoardFilterForm,
    CampaignForm,
    GenerateForm,
    ProfileForm,
    ReportReviewForm,
    ReportSubmitForm,
    UnlockForm,
)
from reporting.models import Campaign, ContractReport, ReminderPreference


def _officer_only(request) -> None:
    if not perms.can_manage_campaigns(request.user):
        raise PermissionDenied("Page réservée aux agents.")


def _get_report_for_user(request, pk: int, reference: str) -> ContractReport:
    reports = ContractReport.objects.select_related(
        "campaign", "contract__territory", "contract__programme", "submitted_by", "reviewed_by"
    ).filter(contract__in=contracts_visible_to(request.user))
    return get_object_or_404(reports, campaign_id=pk, contract__reference=reference)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Officers -------------------------------------------------------------------------------------


@member_required
@require_http_methods(["GET"])
def campaign_list(request):
    _officer_only(request)
    return render(
        request,
        "reporting/campaigns.html",
        {"campaigns": campaigns_with_counts(), "generate_form": GenerateForm()},
    )


@member_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    _officer_only(request)
    form = CampaignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_open(
                name=data["name"],
                programme=data["programme"],
                contracts=data["contracts"] or None,
                period_start=data["period_start"],
                period_end=data["period_end"],
                due_on=data["due_on"],
                remind_days_before=data["remind_days_before"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Campagne « {campaign.name} » ouverte.")
            return redirect("reporting:board", pk=campaign.pk)
    return render(request, "reporting/campaign_form.html", {"form": form})


@member_required
@require_POST
def campaign_generate(request):
    _officer_only(request)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un programme.")
        return redirect("reporting:campaigns")
    created = services.campaigns_generate_yearly(
        programme=form.cleaned_data["programme"], by=request.user
    )
    if created:
        names = ", ".join(c.name for c in created)
        n = len(created)
        messages.success(request, f"{format_count(n, 'campagne')} {agree(n, 'créée')} : {names}.")
    else:
        messages.info(request, "Aucune nouvelle campagne : chaque année a déjà la sienne.")
    return redirect("reporting:campaigns")


def _board(request, pk: int):
    _officer_only(request)
    campaign = get_object_or_404(Campaign.objects.select_related("programme"), pk=pk)
    filters = BoardFilterForm(request.GET or None)
    params = filters.cleaned_data if filters.is_valid() else {}
    board = campaign_board(
        campaign=campaign,
        today=timezone.localdate(),
        programme=params.get("programme"),
        departement=params.get("departement", ""),
        state=params.get("state", ""),
    )
    return board, filters


@member_required
@require_http_methods(["GET"])
def board(request, pk: int):
    board, filters = _board(request, pk)
    return render(request, "reporting/board.html", {"board": board, "filters": filters})


@member_required
@require_http_methods(["GET"])
def board_export(request, pk: int, fmt: str):
    board, _ = _board(request, pk)
    table = board_table(board)
    if fmt == "xlsx":
        response = HttpResponse(table_xlsx(table), content_type=XLSX_CONTENT_TYPE)
    else:
        response = HttpResponse(table_csv(table), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="completude-{pk}.{fmt}"'
    return response


@member_required
@require_POST
def campaign_close(request, pk: int):
    _officer_only(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        services.campaign_close(campaign=campaign, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Campagne « {campaign.name} » close : les valeurs de sa période sont verrouillées.",
        )
    return redirect("reporting:board", pk=campaign.pk)


@member_required
@require_POST
def report_review(request, pk: int, reference: str):
    _officer_only(request)
    report = _get_report_for_user(request, pk, reference)
    form = ReportReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "validate":
                services.report_validate(report=report, by=request.user, note=data["note"])
                messages.success(request, "Rapport validé.")
            else:
                services.report_return(report=report, by=request.user, note=data["note"])
                messages.success(request, "Rapport renvoyé au chef de projet.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("reporting:report", pk=pk, reference=reference)
    return _report_page(request, report, review_form=form, status=200)


@member_required
@require_http_methods(["GET", "POST"])
def entry_unlock(request, pk: int):
    _officer_only(request)
    entry = get_object_or_404(
        ProgressEntry.objects.select_related("indicator__objective__contract"), pk=pk
    )
    form = UnlockForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            unlock = services.entry_unlock(
                entry=entry,
                by=request.user,
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                f"Saisie déverrouillée jusqu'au {date_fr(unlock.until)} : le chef de projet "
                "peut la corriger.",
            )
            return redirect("espace:indicator", pk=entry.indicator_id)
    return render(
        request,
        "reporting/unlock.html",
        {"entry": entry, "form": form, "unlocks": entry.unlocks.select_related("by")},
    )


# --- Chefs de projet (and officers, who read the same page) --------------------------------------


def _report_page(request, report, *, submit_form=None, review_form=None, status=200):
    row = campaign_rows(reports=[report], campaign=report.campaign, today=timezone.localdate())[0]
    return render(
        request,
        "reporting/report.html",
        {
            "report": report,
            "campaign": report.campaign,
            "row": row,
            "can_submit": perms.can_submit_report(request.user, report)
            and report.status in services.SUBMITTABLE
            and not report.campaign.is_closed,
            "can_review": perms.can_manage_campaigns(request.user),
            "submit_form": submit_form or ReportSubmitForm(),
            "review_form": review_form or ReportReviewForm(),
        },
        status=status,
    )


@member_required
@require_http_methods(["GET"])
def report_detail(request, pk: int, reference: str):
    return _report_page(request, _get_report_for_user(request, pk, reference))


@member_required
@require_POST
def report_submit(request, pk: int, reference: str):
    report = _get_report_for_user(request, pk, reference)
    if not perms.can_submit_report(request.user, report):
        raise PermissionDenied("Seuls les chefs de projet du contrat remettent son rapport.")
    form = ReportSubmitForm(request.POST)
    if form.is_valid():
        try:
            services.report_submit(
                report=report, by=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Rapport remis : les agents vont le relire.")
        return redirect("reporting:report", pk=pk, reference=reference)
    return _report_page(request, report, submit_form=form)


# --- Everyone signed in ---------------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def profile(request):
    preference = ReminderPreference.objects.filter(user=request.user).first()
    enabled = preference.reminders_enabled if preference else True
    form = ProfileForm(
        request.POST if request.method == "POST" else None, initial={"reminders_enabled": enabled}
    )
    if request.method == "POST" and form.is_valid():
        ReminderPreference.objects.update_or_create(
            user=request.user,
            defaults={"reminders_enabled": form.cleaned_data["reminders_enabled"]},
        )
        messages.success(
            request,
            "Vous recevrez les rappels par e-mail."
            if form.cleaned_data["reminders_enabled"]
            else "Vous ne recevrez plus de rappels par e-mail.",
        )
        return redirect("reporting:profile")
    return render(request, "reporting/profile.html", {"form": form})
