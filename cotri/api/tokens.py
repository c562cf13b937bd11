"""Personal API tokens: create (the plain token is returned once), revoke, authenticate."""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from ninja.security import HttpBearer

from contracts.perms import contracts_reportable_by

from .models import ApiToken

TOKEN_PREFIX = "cotri_"  # noqa: S105 (a public marker, not a secret)
# Enough for a spreadsheet, a script and a spare; more is a sign of tokens left lying around.
MAX_ACTIVE_TOKENS = 10


def can_create_api_token(user) -> bool:
    """Tokens only serve to write progress, which only chefs de projet may do: lecteurs and
    officers get none (the read API is public, officers have the admin)."""
    return contracts_reportable_by(user).exists()


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the returned plain text is never stored nor shown again."""
    if not can_create_api_token(user):
        raise PermissionDenied("Les jetons d'API sont réservés aux chefs de projet.")
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"Vous avez déjà {MAX_ACTIVE_TOKENS} jetons actifs : révoquez-en un avant d'en créer "
            "un autre."
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip() or "Jeton", prefix=key[:12], key_hash=_digest(key)
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    if token.user_id != by.pk and not by.is_superuser:
        raise PermissionDenied("Ce jeton n'est pas le vôtre.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_user(key: str):
    """The active user behind ``key``, or None."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.active().select_related("user").filter(key_hash=_digest(key)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    openapi_description = "Jeton personnel d'API (créé dans « Mon espace »)."

    def authenticate(self, request, token: str):
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user
