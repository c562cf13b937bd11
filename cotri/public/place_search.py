"""Search by place: a commune or an EPCI typed in the overview's search finds the engaged
territories that contain it (« Ardres fait partie du Pays du Calaisis »).

Names are compared folded (``french.input.search_key`` on the typed text, the same folds in SQL
on the names: ``FoldedName``, on PostgreSQL and SQLite), so accents,
case, hyphens and apostrophes do not matter. Two queries whatever the size of the region: the
matching places (at most ``MAX_PLACES``), then their groups up to three levels up (commune → EPCI
→ groupement → groupement).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Func, IntegerField, Value, When
from django.db.models.functions import Length, Lower, Replace

from french.input import NAME_FOLDS, search_key
from french.output import of_territory
from territories.enums import TerritoryKind
from territories.models import Membership, Territory

MAX_PLACES = 20
MIN_KEY_LENGTH = 3  # « ar » would match half the region
PLACE_KINDS = (TerritoryKind.COMMUNE, TerritoryKind.EPCI, TerritoryKind.GROUPEMENT)


class FoldedName(Func):
    """A name folded in SQL as ``search_key`` folds typed text (``NAME_FOLDS``, then lower case).

    PostgreSQL: ``lower(translate(…))`` with a ``replace`` per two-letter fold (œ, æ); SQLite:
    ``cotri_fold(…)``, ``search_key`` registered on each connection (``register_sqlite_fold``),
    as SQLite's parser cannot nest seventy ``REPLACE``; elsewhere, nested ``REPLACE``."""

    output_field = CharField()

    def __init__(self, expression):
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra):
        folded = self.source_expressions[0]
        for character, replacement in NAME_FOLDS:
            folded = Replace(folded, Value(character), Value(replacement))
        return compiler.compile(Lower(folded))

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        singles = [(c, r) for c, r in NAME_FOLDS if len(r) == 1]
        sql = f"translate({sql}, %s, %s)"
        params = [*params, "".join(c for c, _ in singles), "".join(r for _, r in singles)]
        for character, replacement in NAME_FOLDS:
            if len(replacement) > 1:
                sql = f"replace({sql}, %s, %s)"
                params += [character, replacement]
        return f"lower({sql})", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"cotri_fold({sql})", params


def register_sqlite_fold(sender, connection, **kwargs) -> None:
    """``connection_created`` handler: SQLite connections learn ``cotri_fold`` (``search_key``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("cotri_fold", 1, _fold, deterministic=True)


def _fold(name: str | None) -> str | None:
    return None if name is None else search_key(name)


@dataclass
class PlaceMatches:
    """What a search key found: ``reasons`` maps an engaged territory's id to the sentence that
    explains the match; ``outside`` names the places found that no engaged territory contains."""

    reasons: dict[int, str] = field(default_factory=dict)
    outside: list[str] = field(default_factory=list)

    @property
    def places_found(self) -> bool:
        return bool(self.reasons or self.outside)


def find_places(text: str, engaged: Mapping[int, str]) -> PlaceMatches:
    """The engaged territories (``engaged``: id → name) that contain a place whose name contains
    ``text`` (folded). A place that is itself engaged gives no reason (its name already matches).
    Places whose whole name is the key come first, then communes, then by name; one reason per
    engaged territory, from the first place that leads to it. Two queries; none for a key shorter
    than ``MIN_KEY_LENGTH``."""
    key = search_key(text)
    result = PlaceMatches()
    if len(key) < MIN_KEY_LENGTH or not engaged:
        return result
    places = list(
        Territory.objects.filter(kind__in=PLACE_KINDS)
        .annotate(folded=FoldedName("name"))
        .filter(folded__contains=key)
        .exclude(pk__in=list(engaged))
        .annotate(
            exact=Case(When(folded=key, then=0), default=1, output_field=IntegerField()),
            commune=Case(
                When(kind=TerritoryKind.COMMUNE, then=0), default=1, output_field=IntegerField()
            ),
        )
        .order_by("exact", "commune", Length("name"), "name", "pk")
        .values_list("pk", "name")[:MAX_PLACES]
    )
    if not places:
        return result
    chains = Membership.objects.filter(member_id__in=[pk for pk, _ in places]).values_list(
        "member_id",
        "group_id",
        "group__member_of__group_id",
        "group__member_of__group__member_of__group_id",
    )
    containing: dict[int, list[int]] = {}
    for member_id, *groups in chains:
        for group_id in groups:
            if group_id in engaged and group_id not in containing.setdefault(member_id, []):
                containing[member_id].append(group_id)
    for pk, name in places:
        groups = containing.get(pk, [])
        if not groups:
            result.outside.append(name)
        for group_id in groups:
            reason = f"{name} fait partie {of_territory(engaged[group_id])}"
            result.reasons.setdefault(group_id, reason)
    return result
