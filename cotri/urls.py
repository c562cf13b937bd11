from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from cotri import views
from cotri.api.api import api
from exchange import opendata

admin.site.site_header = "cotri — administration des contrats d'objectifs"
admin.site.site_title = "cotri"
admin.site.index_title = "Contrats d'objectifs territoriaux"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("espace/", include("cotri.espace.urls")),
    path("api/", api.urls),
    path("donnees-ouvertes/", opendata.opendata_index, name="opendata"),
    path("donnees-ouvertes/<slug:slug>.csv", opendata.opendata_file, name="opendata-file"),
    path("", include("cotri.public.urls")),
]

# Under /api/ every error is JSON, even the ones no API view answered (cotri/views.py).
handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error

if settings.PROCONNECT_ENABLED:  # optional sign-in of public agents (cotri/proconnect.py)
    urlpatterns.insert(-1, path("oidc/", include("cotri.proconnect")))

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
