"""The site's URLs plus the evaluation API (until cotri/urls.py includes it)."""

from django.urls import path

from cotri.urls import urlpatterns as site_urlpatterns
from funding import views

urlpatterns = [
    *site_urlpatterns,
    path(
        "api/contracts/<slug:reference>/evaluation",
        views.contract_evaluation,
        name="contract-evaluation",
    ),
]
