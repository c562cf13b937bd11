from django.conf import settings
from django.contrib import admin
from django.urls import path
from django.views.static import serve

from cotri import views
from funding import views as funding_views

admin.site.site_header = "cotri — administration des contrats d'objectifs"
admin.site.site_title = "cotri"
admin.site.index_title = "Contrats d'objectifs territoriaux"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "api/contracts/<slug:reference>/evaluation",
        funding_views.contract_evaluation,
        name="contract-evaluation",
    ),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
