"""Programmes (COTRI, COT-TRI, COT-CLIMAT…): public reference data."""

from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from contracts.models import Programme

from .pagination import Pagination
from .schemas import ErrorOut, ProgrammeOut

router = Router(tags=["Programmes"])


@router.get("/", response=list[ProgrammeOut], summary="Programmes")
@paginate(Pagination)
def programme_list(request):
    return Programme.objects.order_by("code")


@router.get("/{code}", response={200: ProgrammeOut, 404: ErrorOut}, summary="Un programme")
def programme_detail(request, code: str):
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        raise HttpError(404, f"Programme introuvable : « {code} ».")
    return programme
