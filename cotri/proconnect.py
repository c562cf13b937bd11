"""Optional sign-in through ProConnect, the State's OpenID Connect federation for public agents.

Off unless PROCONNECT_ENABLED (settings); see docs/adr/0006-proconnect.md. ProConnect proves who
the agent is; cotri still decides what they may do: the agent is matched to an EXISTING active
account by e-mail (case-insensitive), and no account is ever created here — memberships are
granted by officers. Every refusal ends on the login page with a French message.
"""

import logging

import requests
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

logger = logging.getLogger(__name__)

REFUSAL_ATTRIBUTE = "proconnect_refusal"
REFUSED_GENERIC = (
    "La connexion avec ProConnect n'a pas abouti. Réessayez, ou connectez-vous avec votre "
    "identifiant et votre mot de passe."
)
REFUSED_UNKNOWN = (
    "Aucun compte cotri ne correspond à l'adresse {email}. Les comptes ne sont pas créés à la "
    "première connexion : demandez à l'agent de l'ADEME ou de la Région qui suit votre contrat "
    "de vous ouvrir un accès avec cette adresse."
)
REFUSED_INACTIVE = (
    "Le compte cotri associé à l'adresse {email} est désactivé. Contactez l'agent qui suit "
    "votre contrat."
)
REFUSED_UNVERIFIED = (
    "ProConnect n'a pas transmis d'adresse électronique vérifiée : la connexion est impossible."
)
REFUSED_AMBIGUOUS = (
    "Plusieurs comptes cotri utilisent l'adresse {email} : un agent doit corriger ces comptes "
    "avant que vous puissiez vous connecter avec ProConnect."
)


def _refuse(request, message: str) -> None:
    setattr(request, REFUSAL_ATTRIBUTE, message)


class ProConnectBackend(OIDCAuthenticationBackend):
    """Matches the ProConnect identity to one existing active account by verified e-mail."""

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the id_token (the userinfo JWT carries no nonce)
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("id_token issued for another client.")
        return payload

    def verify_claims(self, claims) -> bool:
        email = (claims.get("email") or "").strip()
        # ProConnect's identity providers vouch for the address; refuse an explicit "not verified".
        if not email or claims.get("email_verified") is False:
            _refuse(self.request, REFUSED_UNVERIFIED)
            return False
        return True

    def filter_users_by_claims(self, claims):
        email = claims["email"].strip()
        users = self.UserModel.objects.filter(email__iexact=email)
        active = users.filter(is_active=True)
        if len(active) > 1:
            _refuse(self.request, REFUSED_AMBIGUOUS.format(email=email))
        elif not active:
            template = REFUSED_INACTIVE if users.exists() else REFUSED_UNKNOWN
            _refuse(self.request, template.format(email=email))
            logger.info("ProConnect sign-in refused for %s: no active account", email)
        return active

    def create_user(self, claims):  # never reached with OIDC_CREATE_USER = False; belt and braces
        raise SuspiciousOperation("ProConnect never creates accounts.")

    def get_user(self, user_id):
        # Django's check (inactive users are signed out on their next request), which
        # mozilla-django-oidc's own get_user skips.
        return ModelBackend.get_user(self, user_id)


class ProConnectCallbackView(OIDCAuthenticationCallbackView):
    """Back from ProConnect: log the matched user in, or explain the refusal on the login page."""

    def get(self, request):
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException):
            # Unknown state (replayed or forged callback), bad signature or audience, code
            # refused or provider unreachable: the agent is not signed in and is told so.
            logger.warning("ProConnect callback refused", exc_info=True)
            return self.login_failure()

    def login_failure(self):
        messages.error(self.request, getattr(self.request, REFUSAL_ATTRIBUTE, REFUSED_GENERIC))
        return HttpResponseRedirect(reverse("espace:login"))


# Included under /oidc/ by cotri/urls.py only when PROCONNECT_ENABLED. The names are the ones
# mozilla-django-oidc reverses (OIDC_AUTHENTICATION_CALLBACK_URL keeps its default).
urlpatterns = [
    path(
        "authenticate/",
        OIDCAuthenticationRequestView.as_view(),
        name="oidc_authentication_init",
    ),
    path("callback/", ProConnectCallbackView.as_view(), name="oidc_authentication_callback"),
]
