"""The progress file template in the officers' admin (linked from each contract's change page)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path

from contracts.models import Contract
from cotri.espace.sheet_template import template_response


class ProgressTemplateAdminMixin:
    """``…/progressentry/modele/<contract id>/?format=csv|xlsx`` for officers who may view
    progress entries."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.progress_template_view)
        return [
            path("modele/<int:contract_id>/", view, name="indicators_progressentry_template"),
            *super().get_urls(),
        ]

    def progress_template_view(self, request, contract_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        contract = get_object_or_404(Contract, pk=contract_id)
        return template_response(contract=contract, extension=request.GET.get("format", "xlsx"))
