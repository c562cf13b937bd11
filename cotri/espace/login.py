"""Signing in and out: Django's views, plus ProConnect when it is turned on."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.crypto import get_random_string

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("espace:home")

    def get_context_data(self, **kwargs):
        # Read per request, not at import, so that turning ProConnect on needs no code change.
        kwargs["proconnect_enabled"] = getattr(settings, "PROCONNECT_ENABLED", False)
        return super().get_context_data(**kwargs)


class LogoutView(auth_views.LogoutView):
    """Signs out of cotri and, for an agent who came through ProConnect, out of ProConnect too
    (its end_session endpoint with the id_token, as ProConnect asks of every service)."""

    next_page = reverse_lazy("espace:login")

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        end_session = getattr(settings, "OIDC_OP_LOGOUT_ENDPOINT", "")
        if not (id_token and end_session and getattr(settings, "PROCONNECT_ENABLED", False)):
            return response
        query = urlencode(
            {
                "id_token_hint": id_token,
                "state": get_random_string(32),
                "post_logout_redirect_uri": request.build_absolute_uri(reverse("espace:login")),
            }
        )
        return HttpResponseRedirect(f"{end_session}?{query}")
