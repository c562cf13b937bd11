"""« Retirer » a justificatif from a draft entry (the list itself is on the entry's form)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from indicators import perms
from indicators.models import Evidence
from indicators.services import entry_remove_evidence

member_required = login_required(login_url=reverse_lazy("espace:login"))


@member_required
@require_http_methods(["POST"])
def evidence_remove(request, pk: int):
    """Another territory's file answers 404; a file this user may not remove, 403."""
    visible = perms.contracts_visible_to(request.user)
    evidence = get_object_or_404(
        Evidence.objects.select_related("entry").filter(
            entry__indicator__objective__contract__in=visible
        ),
        pk=pk,
    )
    entry_remove_evidence(evidence=evidence, by=request.user)
    messages.success(request, f"Justificatif « {evidence.original_name} » retiré.")
    return redirect("espace:entry", pk=evidence.entry_id)
