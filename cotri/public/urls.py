import os

from django.urls import path

from cotri.public import legal, views

app_name = "public"

urlpatterns = [
    path("", views.overview, name="home"),
    path("fiches/", views.overview, name="overview"),
    path("fiches/<slug:reference>.pdf", views.fiche_pdf, name="fiche-pdf"),
    path("fiches/<slug:reference>/", views.fiche, name="fiche"),
    path("mentions-legales/", legal.legal_notice, name="legal-notice"),
    path("donnees-personnelles/", legal.personal_data, name="personal-data"),
    path("accessibilite/", legal.accessibility, name="accessibility"),
    path("plan-du-site/", legal.site_map, name="site-map"),
]

if os.environ.get("COTRI_BENCH_FLOOR"):  # bench/bench_fiche.py only: the framework floor
    urlpatterns.append(path("bench/plancher/", views.bench_floor, name="bench-floor"))
