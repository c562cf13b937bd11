"""One-time invitation links: Django's password-reset token machinery with its own salt and
validity, so that a password-reset link never opens an invitation and the other way round."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """A token valid ``COTRI_INVITATION_DAYS`` days (default 7), dead once used.

    The hash covers the password (unusable until the invitee chooses one; re-drawn when the
    invitation is sent again), the last sign-in and the active flag: choosing a password, signing
    in (also through ProConnect), a new invitation or a deactivation each kill older links.
    """

    key_salt = "cotri.officers.tokens.InvitationTokenGenerator"

    @property
    def timeout_seconds(self) -> int:
        return int(getattr(settings, "COTRI_INVITATION_DAYS", 7)) * 24 * 3600

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{int(user.is_active)}"

    def check_token(self, user, token) -> bool:
        # Same as Django's, with this generator's validity instead of PASSWORD_RESET_TIMEOUT.
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in secrets
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= self.timeout_seconds


invitation_token_generator = InvitationTokenGenerator()
