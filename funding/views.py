"""Deprecated: ``GET /api/contracts/<reference>/evaluation`` is served by the JSON API.

The endpoint moved into django-ninja (``cotri/api/contracts.py``) with the same path and JSON.
This alias stays only while ``tests/funding/evaluation_urls.py`` imports it; remove both together.
"""

from django.views.decorators.http import require_GET

from cotri.api.contracts import contract_evaluation as api_contract_evaluation


@require_GET
def contract_evaluation(request, reference: str):
    return api_contract_evaluation(request, reference, as_of=request.GET.get("as_of"))
