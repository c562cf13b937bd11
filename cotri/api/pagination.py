"""Page-number pagination with bounded parameters (no huge OFFSET reaches the database)."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 100


class Pagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000, description="Numéro de page (à partir de 1).")
        page_size: int = Field(
            20, ge=1, le=MAX_PAGE_SIZE, description="Nombre d'éléments par page (100 au plus)."
        )

    class Output(Schema):
        count: int = Field(description="Nombre total d'éléments.")
        page: int
        page_size: int
        items: list[Any]

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        start = (pagination.page - 1) * pagination.page_size
        return {
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": pagination.page_size,
            "items": list(queryset[start : start + pagination.page_size]),
        }
