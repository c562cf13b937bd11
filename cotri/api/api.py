"""The NinjaAPI instance: routers per resource, French JSON errors.

django-ninja rather than Django REST framework: typed pydantic schemas give the OpenAPI document
(that schemathesis checks in CI) from the same code that validates, with far less machinery.
"""

import logging

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cotri.errors import API_ERRORS

from . import contracts, exports, programmes, progress, territories
from .schemas import RULE_ERROR

_VALIDATION_ERROR = {
    "description": "Paramètres invalides",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["detail", "erreurs"],
                "properties": {
                    "detail": {"type": "string"},
                    "erreurs": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["champ", "message"],
                            "properties": {
                                "champ": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        },
                    },
                },
            }
        }
    },
}


_UNAUTHENTICATED = {
    "description": "Jeton absent, invalide ou révoqué",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["detail"],
                "properties": {"detail": {"type": "string"}},
            }
        }
    },
}


_BAD_BODY = {**_UNAUTHENTICATED, "description": "Corps de la requête illisible"}
_BAD_ADDRESS = {**_UNAUTHENTICATED, "description": "Adresse invalide (caractère nul)"}


def _document_bad_address(responses: dict) -> None:
    """Adds the middleware's 400 to an operation, beside a 400 of its own if it has one."""
    own = responses.get(400) or responses.get("400")
    if own is None:
        responses[400] = _BAD_ADDRESS
        return
    content = own["content"]["application/json"]
    address = _BAD_ADDRESS["content"]["application/json"]["schema"]
    content["schema"] = {"anyOf": [content["schema"], address]}
    own["description"] += " ; ou adresse invalide (caractère nul)"


class CotriAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Documents the 422 answer of every operation that takes parameters, and the 400s.

        A NUL character in the address is refused by ``cotri.middleware`` before any view.
        """
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("parameters") or operation.get("requestBody"):
                    operation["responses"].setdefault(422, _VALIDATION_ERROR)
                if operation.get("requestBody"):
                    operation["responses"].setdefault(400, _BAD_BODY)
                elif operation.get("parameters"):
                    _document_bad_address(operation["responses"])
                if operation.get("security"):
                    operation["responses"].setdefault(401, _UNAUTHENTICATED)
        return schema


api = CotriAPI(
    title="API cotri",
    version="1.0.0",
    description=(
        "Contrats d'objectifs territoriaux des Hauts-de-France : territoires, programmes, "
        "contrats, objectifs et taux d'atteinte, évaluations. Lecture publique des contrats "
        "publiés et des valeurs validées ; écriture des saisies d'avancement par les chefs de "
        "projet munis d'un jeton personnel (en-tête `Authorization: Bearer <jeton>`)."
    ),
    urls_namespace="api",
)

api.add_router("/territories/", territories.router)
api.add_router("/programmes/", programmes.router)
api.add_router("/contracts/", contracts.router)
api.add_router("/exports/", exports.router)
api.add_router("/progress/", progress.router)


def _detail(request: HttpRequest, message: str, status: int, **extra) -> HttpResponse:
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    """Any unexpected error: logged like Django's own 500 (e-mailed to ADMINS), answered in JSON."""
    logging.getLogger("django.request").error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    response = _detail(request, API_ERRORS[500], 500)
    response._has_been_logged = True  # once, with the traceback: Django would log it again
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _detail(request, "Ressource introuvable.", 404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _detail(request, "Authentification requise : jeton d'API absent ou invalide.", 401)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    message = str(exc)
    if message.startswith("Cannot parse request body"):  # raised by ninja itself, in English
        message = "Corps de la requête illisible : un objet JSON est attendu."
    return _detail(request, message, exc.status_code)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = [
        {
            "champ": ".".join(
                str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body")
            ),
            "message": _message_fr(error),
        }
        for error in exc.errors
    ]
    return _detail(request, "Paramètres invalides.", 422, erreurs=errors)


_MESSAGES_FR = {
    "missing": "champ obligatoire",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "string_too_long": "texte trop long",
    "enum": "valeur non autorisée",
    "date_from_datetime_parsing": "date attendue au format AAAA-MM-JJ",
    "date_parsing": "date attendue au format AAAA-MM-JJ",
    "decimal_parsing": "nombre décimal attendu",
    "json_invalid": "JSON invalide",
    "nul_character": "caractère nul interdit",
}


def _message_fr(error: dict) -> str:
    if error.get("type") == RULE_ERROR:
        return error["msg"]
    return _MESSAGES_FR.get(error.get("type", ""), "valeur invalide")
