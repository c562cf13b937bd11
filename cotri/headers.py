"""Headers every answer carries (issue 16.5): Permissions-Policy everywhere, and private pages
never stored by a browser or a proxy.

The Content-Security-Policy itself is Django's (``SECURE_CSP`` in settings, set by
``django.middleware.csp.ContentSecurityPolicyMiddleware``).
"""

from __future__ import annotations

# No page uses these browser features: refuse them to any script, ours or injected.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)
# The chefs de projet's space (its pages, evidence downloads, tokens, imports, the validation
# queue), the officers' admin and the sign-in callbacks: personal data, never cached.
PRIVATE_PREFIXES = ("/espace/", "/admin/", "/oidc/")
PRIVATE = "no-store, private"


def is_private(request) -> bool:
    """Private: a private page, or an API call made with a personal token."""
    return request.path.startswith(PRIVATE_PREFIXES) or "authorization" in request.headers


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if is_private(request):
            response["Cache-Control"] = PRIVATE
        return response
