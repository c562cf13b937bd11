"""Requests that no page can answer: a NUL character in the address.

PostgreSQL refuses NUL in text, so a filter or a path parameter holding one would end in a
database error (500). Refusing it at the door gives every URL the same clear 400 instead.
"""

from django.http import HttpResponseBadRequest, JsonResponse

MESSAGE = "Adresse invalide : elle contient un caractère nul (%00)."


class RejectNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE}, status=400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
