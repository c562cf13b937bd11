"""The invitee's side: the one-time link opens a page to choose a password (DSFR layout).

Django's password-reset confirmation view with the invitation token generator: the token moves
from the URL to the session before the form shows, the password is checked by the validators,
and the person is signed in and sent to their space.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from cotri.espace.forms import SetPasswordForm
from cotri.officers.tokens import invitation_token_generator


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    token_generator = invitation_token_generator
    form_class = SetPasswordForm
    template_name = "registration/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("espace:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            "Votre mot de passe est enregistré : bienvenue dans votre espace. Votre identifiant "
            f"est {form.user.get_username()}.",
        )
        return response
