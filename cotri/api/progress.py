"""Progress entries written by chefs de projet with a personal token (same rules as /espace/)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from contracts.models import Contract
from french.output import format_date
from indicators.enums import EntryStatus
from indicators.models import Indicator, ProgressEntry
from indicators.perms import contracts_editable_by
from indicators.services import entry_save_draft, entry_submit

from .schemas import RULE_ERROR, ErrorOut
from .tokens import TokenAuth

router = Router(tags=["Avancement"], auth=TokenAuth())


class ProgressIn(Schema):
    contract: str = Field(max_length=60, description="Référence du contrat.")
    objective: str = Field(max_length=20, description="Code de l'objectif (O1…).")
    indicator: str = Field(max_length=60, description="Code de l'indicateur.")
    date: date
    value: Decimal = Field(ge=0, max_digits=16, decimal_places=4, description="Valeur, ≥ 0.")
    comment: str = Field("", max_length=5000)
    submit: bool = Field(True, description="Soumettre à la validation (sinon : brouillon).")

    @field_validator("contract", "objective", "indicator", "comment")
    @classmethod
    def _no_nul_character(cls, value: str) -> str:
        if "\x00" in value:  # PostgreSQL refuses it in text
            raise PydanticCustomError("nul_character", "caractère nul interdit")
        return value


class ProgressOut(Schema):
    id: int
    contract: str
    objective: str
    indicator: str
    date: date
    value: str
    comment: str
    status: str
    version: int


def _out(entry: ProgressEntry) -> dict:
    objective = entry.indicator.objective
    return {
        "id": entry.pk,
        "contract": objective.contract.reference,
        "objective": objective.code,
        "indicator": entry.indicator.code,
        "date": entry.date,
        "value": format(entry.value.normalize(), "f") if entry.value else "0",
        "comment": entry.comment,
        "status": entry.status,
        "version": entry.version,
    }


@router.post(
    "/",
    response={201: ProgressOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Saisir une valeur d'avancement",
    description=(
        "Crée (ou corrige, si elle est en brouillon ou renvoyée) la valeur d'un indicateur à une "
        "date, puis la soumet à la validation. Réservé aux chefs de projet du territoire du "
        "contrat, avec un jeton personnel."
    ),
)
def progress_create(request, payload: ProgressIn):
    user = request.auth
    editable = contracts_editable_by(user)
    if not Contract.objects.filter(pk__in=editable, reference=payload.contract).exists():
        raise HttpError(
            403, f"Vous ne pouvez pas saisir l'avancement du contrat « {payload.contract} »."
        )
    indicator = (
        Indicator.objects.select_related("objective__contract")
        .filter(
            objective__contract__reference=payload.contract,
            objective__code=payload.objective,
            code=payload.indicator,
        )
        .first()
    )
    if indicator is None:
        raise HttpError(
            404,
            f"Indicateur introuvable : « {payload.contract} / {payload.objective} / "
            f"{payload.indicator} ».",
        )
    existing = ProgressEntry.objects.filter(indicator=indicator, date=payload.date).first()
    if existing is not None and existing.status not in (EntryStatus.DRAFT, EntryStatus.RETURNED):
        raise HttpError(
            409,
            f"Une valeur {existing.get_status_display().lower()} existe déjà au "
            f"{format_date(payload.date)} : elle ne se modifie plus ; "
            "l'agent peut vous la renvoyer.",
        )
    try:
        entry = entry_save_draft(
            indicator=indicator,
            by=user,
            date=payload.date,
            value=payload.value,
            comment=payload.comment,
            entry=existing,
        )
        if payload.submit:
            entry = entry_submit(entry=entry, by=user)
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):  # a field's rule (the date): 422 naming the field
            raise _field_errors(error) from None
        raise HttpError(409, " ".join(error.messages)) from None
    return Status(201, _out(entry))


def _field_errors(error: DjangoValidationError) -> ValidationError:
    """The service's field errors as the API's 422 (``champ: "payload.date"``)."""
    return ValidationError(
        [
            {"loc": ("body", "payload", name), "type": RULE_ERROR, "msg": message}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    )
