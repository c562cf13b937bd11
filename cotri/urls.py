from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from cotri import opendata, views
from cotri.api.api import api

admin.site.site_header = "cotri — administration des contrats d'objectifs"
admin.site.site_title = "cotri"
admin.site.index_title = "Contrats d'objectifs territoriaux"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("espace/", include("cotri.espace.urls")),
    path("espace/", include("reporting.urls")),
    path("api/", api.urls),
    path("donnees-ouvertes/", opendata.opendata_index, name="opendata"),
    path("donnees-ouvertes/<slug:slug>.csv", opendata.opendata_file, name="opendata-file"),
    path("", include("cotri.public.urls")),
]

if settings.PROCONNECT_ENABLED:  # optional sign-in of public agents (cotri/proconnect.py)
    urlpatterns.insert(-1, path("oidc/", include("cotri.proconnect")))

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
