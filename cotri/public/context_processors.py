"""Identity shown in the header and footer of public pages, read from settings (no query)."""

from django.conf import settings


def identity(request) -> dict:
    return {
        "COTRI_SHOW_STATE_IDENTITY": settings.COTRI_SHOW_STATE_IDENTITY,
        "COTRI_OPERATOR_NAME": settings.COTRI_OPERATOR_NAME,
    }
