import os

from django.urls import path

from cotri.public import views

app_name = "public"

urlpatterns = [
    path("", views.overview, name="home"),
    path("fiches/", views.overview, name="overview"),
    path("fiches/<slug:reference>.pdf", views.fiche_pdf, name="fiche-pdf"),
    path("fiches/<slug:reference>/", views.fiche, name="fiche"),
]

if os.environ.get("COTRI_BENCH_FLOOR"):  # bench/bench_fiche.py only: the framework floor
    urlpatterns.append(path("bench/plancher/", views.bench_floor, name="bench-floor"))
