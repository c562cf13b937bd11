"""Territories that hold at least one contract the reader may see."""

from django.db.models import Exists, OuterRef
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from territories.models import Territory

from .pagination import Pagination
from .schemas import ErrorOut, TerritoryOut
from .visibility import visible_contracts

router = Router(tags=["Territoires"])


def _territories(user):
    engaged = visible_contracts(user).filter(territory=OuterRef("pk"))
    return Territory.objects.filter(Exists(engaged)).order_by("name", "code")


@router.get("/", response=list[TerritoryOut], summary="Territoires engagés")
@paginate(Pagination)
def territory_list(
    request,
    departement: str | None = Query(None, max_length=3, description="Code département (62…)."),
    kind: str | None = Query(None, max_length=20, description="Type de territoire (epci…)."),
):
    territories = _territories(request.user)
    if departement:
        territories = territories.filter(departement_code=departement)
    if kind:
        territories = territories.filter(kind=kind)
    return territories


@router.get("/{code}", response={200: TerritoryOut, 404: ErrorOut}, summary="Un territoire")
def territory_detail(request, code: str):
    territory = _territories(request.user).filter(code=code).first()
    if territory is None:
        raise HttpError(404, f"Territoire introuvable : « {code} ».")
    return territory
