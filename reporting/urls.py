"""URLs of the reporting cycle, included under /espace/ (namespace "reporting")."""

from django.urls import path, re_path

from . import views

app_name = "reporting"

urlpatterns = [
    path("campagnes/", views.campaign_list, name="campaigns"),
    path("campagnes/nouvelle/", views.campaign_create, name="campaign_create"),
    path("campagnes/annuelles/", views.campaign_generate, name="campaign_generate"),
    path("campagnes/<int:pk>/", views.board, name="board"),
    re_path(
        r"^campagnes/(?P<pk>[0-9]+)/completude\.(?P<fmt>csv|xlsx)$",
        views.board_export,
        name="board_export",
    ),
    path("campagnes/<int:pk>/cloturer/", views.campaign_close, name="campaign_close"),
    path("campagnes/<int:pk>/contrats/<slug:reference>/", views.report_detail, name="report"),
    path(
        "campagnes/<int:pk>/contrats/<slug:reference>/remettre/",
        views.report_submit,
        name="report_submit",
    ),
    path(
        "campagnes/<int:pk>/contrats/<slug:reference>/relecture/",
        views.report_review,
        name="report_review",
    ),
    path("saisies/<int:pk>/deverrouiller/", views.entry_unlock, name="entry_unlock"),
    path("profil/", views.profile, name="profile"),
]
