"""« Télécharger le modèle »: a contract's progress file template, for whoever sees the contract.

The file holds nothing the contract page does not show (codes, labels, targets, latest validated
values); filled and sent back through « Importer un fichier », it imports.
"""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from exchange.progress_template import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    progress_template_csv,
    progress_template_xlsx,
    template_filename,
)

from .views import _get_contract_for_user, member_required


def template_response(*, contract, extension: str) -> HttpResponse:
    """The template as a download, XLSX unless ``extension`` is ``"csv"`` (also the admin's)."""
    if extension == "csv":
        content, content_type = progress_template_csv(contract=contract), CSV_CONTENT_TYPE
    else:
        extension = "xlsx"
        content, content_type = progress_template_xlsx(contract=contract), XLSX_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    filename = template_filename(contract=contract, extension=extension)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member_required
@require_GET
def progress_template(request, reference: str):
    contract = _get_contract_for_user(request, reference)
    return template_response(contract=contract, extension=request.GET.get("format", "xlsx"))
