"""The project's URLs plus views that fail, to see the error pages a user would get."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from cotri.urls import handler400, handler403, handler404, handler500  # noqa: F401
from cotri.urls import urlpatterns as project_urlpatterns


def crash(request):
    raise RuntimeError("panne simulée")


def suspicious(request):
    raise SuspiciousOperation("requête douteuse")


def refused(request):
    raise PermissionDenied("Seuls les agents de la Région décident des versements.")


urlpatterns = [
    path("panne/", crash),
    path("espace/panne/", crash),
    path("admin/panne/", crash),
    path("douteux/", suspicious),
    path("admin/refus/", refused),
    path("espace/refus/", refused),
    *project_urlpatterns,
]
