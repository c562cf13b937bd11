"""URLs of the chefs de projet's space, included under /espace/ (namespace "espace")."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from reports import views as reports

from . import bonus, evidence, imports, login, sheet_template, tokens, views, workbook
from .forms import PasswordResetForm, SetPasswordForm

app_name = "espace"

urlpatterns = [
    path("", views.home, name="home"),
    path("contrats/<slug:reference>/", views.contract_detail, name="contract"),
    path(
        "contrats/<slug:reference>/modele/",
        sheet_template.progress_template,
        name="contract_template",
    ),
    path("contrats/<slug:reference>/simulation/", bonus.simulator, name="simulator"),
    path(
        "contrats/<slug:reference>/objectifs/<str:code>/carnet/",
        workbook.objective_workbook,
        name="workbook",
    ),
    path(
        "contrats/<slug:reference>/rapports/<int:year>/",
        reports.report_page,
        name="annual_report",
    ),
    path(
        "contrats/<slug:reference>/rapports/<int:year>/documents/<int:pk>/etat/",
        reports.document_status,
        name="annual_report_status",
    ),
    path(
        "contrats/<slug:reference>/rapports/<int:year>/documents/<int:pk>.<str:fmt>",
        reports.document_download,
        name="annual_report_file",
    ),
    path("contrats/<slug:reference>/carnets/", workbook.workbook_journal, name="workbook_journal"),
    path("indicateurs/<int:pk>/", views.indicator_detail, name="indicator"),
    path("saisies/<int:pk>/", views.entry_edit, name="entry"),
    path("justificatifs/<int:pk>/", views.evidence_download, name="evidence"),
    path("justificatifs/<int:pk>/retirer/", evidence.evidence_remove, name="evidence_remove"),
    path("validation/", views.validation_queue, name="queue"),
    path("import/", imports.progress_file_import, name="import"),
    path("jetons/", tokens.token_list, name="tokens"),
    path("jetons/nouveau/", tokens.token_create, name="token_create"),
    path("jetons/<int:pk>/revoquer/", tokens.token_revoke, name="token_revoke"),
    # Accounts: Django's views with French templates under templates/registration/.
    path("connexion/", login.LoginView.as_view(), name="login"),
    path(
        "deconnexion/",
        login.LogoutView.as_view(),
        name="logout",
    ),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
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
            form_class=SetPasswordForm, success_url=reverse_lazy("espace:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
