"""Personal API tokens in /espace/: list mine, create one (shown once), revoke one.

Only chefs de projet may create a token (cotri.api.tokens.can_create_api_token); anyone signed in
may list and revoke their own, so someone whose role was withdrawn can still clean up. Another
user's token answers 404, as any object outside one's reach.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cotri.api.models import ApiToken
from cotri.api.tokens import api_token_create, api_token_revoke, can_create_api_token

from .forms import DsfrMixin
from .views import member_required


class TokenForm(DsfrMixin, forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour le reconnaître plus tard, par exemple « tableur de suivi ».",
    )


def _get_own_token(request, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)


def _list_page(request, *, form: TokenForm, new_key: str = "", status: int = 200):
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    return render(
        request,
        "espace/tokens.html",
        {
            "tokens": tokens,
            "form": form,
            "new_key": new_key,
            "can_create": can_create_api_token(request.user),
            "api_url": request.build_absolute_uri(reverse("api:progress_create")),
            "docs_url": reverse("api:openapi-view"),
        },
        status=status,
    )


@member_required
@require_http_methods(["GET"])
def token_list(request):
    return _list_page(request, form=TokenForm())


@never_cache  # the page that shows the token in clear must not be kept by any cache
@member_required
@require_http_methods(["POST"])
def token_create(request):
    if not can_create_api_token(request.user):
        raise PermissionDenied("Les jetons d'API sont réservés aux chefs de projet.")
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form=form)
    try:
        token, key = api_token_create(user=request.user, name=form.cleaned_data["name"])
    except ValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
        return _list_page(request, form=form)
    messages.success(request, f"Jeton « {token.name} » créé.")
    # Rendered, not redirected: the key then lives nowhere but in this one response.
    return _list_page(request, form=TokenForm(), new_key=key)


@member_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    """GET asks for confirmation; only the POST (with its CSRF token) revokes."""
    token = _get_own_token(request, pk)
    if request.method == "POST":
        if token.revoked_at is None:
            api_token_revoke(token=token, by=request.user)
            messages.success(
                request, f"Jeton « {token.name} » révoqué : l'API le refuse désormais."
            )
        return redirect("espace:tokens")
    return render(request, "espace/token_revoke.html", {"token": token})
