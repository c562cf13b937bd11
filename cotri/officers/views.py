"""The officers' pages inside the admin's layout: their home and the accounts of the territories.

Every view is for officers only (``indicators.perms.is_officer``): anonymous visitors go to the
admin's login, anyone else signed in gets a French 403. Writes go through
``cotri.officers.services``; views only read forms and show the outcome.
"""

import functools

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from contracts.models import ProjectMembership
from cotri.officers import services
from cotri.officers.forms import ActiveForm, InvitationForm, RoleForm
from cotri.officers.home import misconfiguration_reason, officer_home
from indicators.perms import is_officer

User = get_user_model()
OFFICERS_ONLY = "Cette page est réservée aux agents de l'ADEME et de la Région."


def officer_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not is_officer(request.user):
            raise PermissionDenied(OFFICERS_ONLY)
        return view(request, *args, **kwargs)

    return wrapped


def _render(request, template: str, context: dict, status: int = 200):
    return render(
        request,
        template,
        {**admin.site.each_context(request), **context},
        status=status,
    )


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@officer_required
@require_http_methods(["GET"])
def home(request):
    data = officer_home()
    now = timezone.now()
    for entry in data.submitted.rows:
        entry.age_days = (now - entry.submitted_at).days if entry.submitted_at else None
    for contract in data.misconfigured.rows:
        contract.reason = misconfiguration_reason(contract)
    return _render(
        request,
        "admin/officers/home.html",
        {"title": "Ce qui vous attend", "home": data, "today": timezone.localdate()},
    )


@officer_required
@require_http_methods(["GET"])
def accounts(request):
    query = request.GET.get("q", "").strip()
    memberships = ProjectMembership.objects.select_related("user", "territory").order_by(
        "territory__name", "user__last_name", "user__username"
    )
    if query:
        memberships = memberships.filter(territory__name__icontains=query) | memberships.filter(
            user__email__icontains=query
        )
    page = Paginator(memberships, 100).get_page(request.GET.get("page"))
    log = (
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User))
        .select_related("user")
        .order_by("-action_time")[:30]
    )
    return _render(
        request,
        "admin/officers/accounts.html",
        {
            "title": "Comptes des territoires",
            "page": page,
            "query": query,
            "log": log,
            "role_form": RoleForm(),
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def invite(request):
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.account_invite(
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                territory=data["territory"],
                role=data["role"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(
                request,
                f"Accès donné à {user.email} sur {data['territory'].name} ; "
                "l'invitation part par courriel s'il n'a pas encore de mot de passe.",
            )
            return redirect("officers:accounts")
    status = 400 if form.errors else 200
    return _render(
        request,
        "admin/officers/invite.html",
        {"title": "Inviter un chef de projet ou un lecteur", "form": form},
        status=status,
    )


def _user_for_officer(pk: int):
    return get_object_or_404(User.objects.filter(is_staff=False, is_superuser=False), pk=pk)


def _outcome(request, action, success: str):
    try:
        action()
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, success)
    return redirect("officers:accounts")


@officer_required
@require_POST
def resend(request, pk: int):
    user = _user_for_officer(pk)
    return _outcome(
        request,
        lambda: services.invitation_resend(user=user, by=request.user),
        f"Invitation renvoyée à {user.email}.",
    )


@officer_required
@require_POST
def account_active(request, pk: int):
    user = _user_for_officer(pk)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Action inconnue sur ce compte : rien n'a changé.")
        return redirect("officers:accounts")
    active = form.cleaned_data["active"]
    return _outcome(
        request,
        lambda: services.account_set_active(user=user, active=active, by=request.user),
        f"Compte de {user.email} {'réactivé' if active else 'désactivé'}.",
    )


@officer_required
@require_POST
def membership_role(request, pk: int):
    membership = get_object_or_404(ProjectMembership.objects.select_related("user"), pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un rôle : chef de projet ou lecteur.")
        return redirect("officers:accounts")
    return _outcome(
        request,
        lambda: services.membership_set_role(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        ),
        f"Rôle de {membership.user.email} modifié.",
    )


@officer_required
@require_POST
def membership_remove(request, pk: int):
    membership = get_object_or_404(ProjectMembership.objects.select_related("user"), pk=pk)
    return _outcome(
        request,
        lambda: services.membership_remove(membership=membership, by=request.user),
        f"Accès de {membership.user.email} retiré.",
    )


@officer_required
@require_http_methods(["GET"])
def exports(request):
    """« Mes exports »: the officer's exports of large lists, their progress and download links;
    the page reloads itself (meta refresh, no script) while one is being written."""
    from exchange.export_jobs import user_jobs

    jobs = user_jobs(request.user)
    return _render(
        request,
        "admin/officers/exports.html",
        {
            "title": "Mes exports",
            "jobs": jobs,
            "refresh": any(job.active for job in jobs),
            "keep_days": settings.COTRI_EXPORT_KEEP_DAYS,
            "export_limit": settings.COTRI_EXPORT_SYNC_MAX_ROWS,
        },
    )


@officer_required
@require_http_methods(["GET"])
def export_download(request, pk: int):
    """The file of one of the officer's own finished exports (404 for anyone else's)."""
    from exchange.models import ExportJob

    job = get_object_or_404(ExportJob, pk=pk, user=request.user, status=ExportJob.Status.DONE)
    try:
        handle = job.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("Ce fichier n'existe plus.") from exc
    return FileResponse(handle, as_attachment=True, filename=job.filename)
