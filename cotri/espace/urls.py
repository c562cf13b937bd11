"""URLs of the chefs de projet's space, included under /espace/ (namespace "espace")."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "espace"

urlpatterns = [
    path("", views.home, name="home"),
    path("contrats/<slug:reference>/", views.contract_detail, name="contract"),
    path("indicateurs/<int:pk>/", views.indicator_detail, name="indicator"),
    path("saisies/<int:pk>/", views.entry_edit, name="entry"),
    path("justificatifs/<int:pk>/", views.evidence_download, name="evidence"),
    path("validation/", views.validation_queue, name="queue"),
    # Accounts: Django's views with French templates under templates/registration/.
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, next_page=reverse_lazy("espace:home")
        ),
        name="login",
    ),
    path(
        "deconnexion/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("espace:login")),
        name="logout",
    ),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("espace:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("espace:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
