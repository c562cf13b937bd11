"""The officers' pages, routed under /admin/ before the admin's own URLs (namespace "officers")."""

from django.urls import path

from . import views

app_name = "officers"

urlpatterns = [
    path("accueil/", views.home, name="home"),
    path("mes-exports/", views.exports, name="exports"),
    path("mes-exports/<int:pk>/telecharger/", views.export_download, name="export_download"),
    path("comptes/", views.accounts, name="accounts"),
    path("comptes/inviter/", views.invite, name="invite"),
    path("comptes/<int:pk>/renvoyer-invitation/", views.resend, name="resend"),
    path("comptes/<int:pk>/activation/", views.account_active, name="account_active"),
    path("acces/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("acces/<int:pk>/retirer/", views.membership_remove, name="membership_remove"),
]
