from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from cotri import errors, views
from cotri.api.api import api
from cotri.officers.invitation import InvitationAcceptView
from exchange import opendata

admin.site.site_header = "cotri — administration des contrats d'objectifs"
admin.site.site_title = "cotri"
admin.site.index_title = "Contrats d'objectifs territoriaux"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # The officers' own pages (home, accounts) first: they live under /admin/ too.
    path("admin/", include("cotri.officers.urls")),
    path("admin/", admin.site.urls),
    path(
        "espace/invitation/<uidb64>/<token>/",
        InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("espace/", include("cotri.espace.urls")),
    path("espace/", include("reporting.urls")),
    path("api/", api.urls),
    path("donnees-ouvertes/", opendata.opendata_index, name="opendata"),
    path("donnees-ouvertes/<slug:slug>.csv", opendata.opendata_file, name="opendata-file"),
    path("", include("cotri.public.urls")),
]

# French pages in each area's layout; JSON under /api/ (cotri/errors.py).
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

if settings.PROCONNECT_ENABLED:  # optional sign-in of public agents (cotri/proconnect.py)
    urlpatterns.insert(-1, path("oidc/", include("cotri.proconnect")))

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
