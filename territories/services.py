"""Writes on territories (groupements and their populations) and the reads the fiche needs.

A groupement (Pays, PETR, syndicat mixte, PNR…) is defined by its members, EPCI or communes.
Its population is the sum of its members' populations; its vintage is theirs when they agree,
else the oldest one, since a sum is only as recent as its oldest part. When a member's
population is unknown, so is the groupement's (a partial sum would understate it).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet, Sum

from territories.enums import GroupementType, TerritoryKind
from territories.models import Membership, Territory

MEMBER_KINDS = (TerritoryKind.EPCI, TerritoryKind.COMMUNE)
REGION_CODE_PREFIX = "REG-"


def region_territory_code(insee_code: str) -> str:
    """The `Territory.code` of a région: INSEE région codes are also département codes
    (32: Hauts-de-France and Gers), so régions carry a prefix: `REG-32`."""
    return f"{REGION_CODE_PREFIX}{insee_code}"


def groupement_save(
    *, code: str, name: str, groupement_type: str, member_codes: list[str], by=None
) -> Territory:
    """Create or update the groupement `code` so that its members are exactly `member_codes`.

    Members are EPCI (SIREN) or communes (INSEE code). Raises ValidationError, keyed by
    argument name, with one French message per problem (each unknown code is named). `by`,
    the acting user, is accepted for the services' convention; territories keep no history.
    """
    code, name = code.strip(), name.strip()
    codes = list(dict.fromkeys(c.strip() for c in member_codes if c and c.strip()))
    errors: dict[str, list[str]] = defaultdict(list)
    for key, value, label in (("code", code, "le code"), ("name", name, "le nom")):
        limit = Territory._meta.get_field(key).max_length
        if not value:
            errors[key].append(f"{label} du groupement est obligatoire")
        elif len(value) > limit:
            errors[key].append(f"{label} du groupement dépasse {limit} caractères")
    if groupement_type not in GroupementType.values:
        errors["groupement_type"].append(f"nature de groupement inconnue : {groupement_type}")
    if not codes:
        errors["member_codes"].append("un groupement doit compter au moins un membre")

    found = {t.code: t for t in Territory.objects.filter(code__in=[*codes, code])}
    existing = found.get(code)
    if existing is not None and existing.kind != TerritoryKind.GROUPEMENT:
        errors["code"].append(
            f"le code {code} est déjà celui de {existing.name} ({existing.kind_label})"
        )
    members = []
    for member_code in codes:
        member = found.get(member_code)
        if member is None:
            errors["member_codes"].append(f"membre inconnu : {member_code}")
        elif member.kind not in MEMBER_KINDS:
            errors["member_codes"].append(
                f"{member_code} ({member.name}) n'est ni un EPCI ni une commune"
            )
        else:
            members.append(member)
    overlaps = Membership.objects.filter(
        group__in=[m for m in members if m.kind == TerritoryKind.EPCI],
        member__in=[m for m in members if m.kind == TerritoryKind.COMMUNE],
    ).select_related("group", "member")
    for overlap in overlaps:
        # Counting the commune twice would inflate the population.
        errors["member_codes"].append(
            f"la commune {overlap.member.code} ({overlap.member.name}) est déjà comprise dans"
            f" l'EPCI {overlap.group.code} ({overlap.group.name})"
        )
    if errors:
        raise ValidationError(dict(errors))

    with transaction.atomic():
        groupement, created = Territory.objects.select_for_update().get_or_create(
            code=code,
            defaults={
                "kind": TerritoryKind.GROUPEMENT,
                "name": name,
                "groupement_type": groupement_type,
            },
        )
        if not created and (groupement.name, groupement.groupement_type) != (
            name,
            groupement_type,
        ):
            groupement.name, groupement.groupement_type = name, groupement_type
            groupement.save(update_fields=["name", "groupement_type"])
        wanted = {m.pk for m in members}
        Membership.objects.filter(group=groupement).exclude(member_id__in=wanted).delete()
        present = set(
            Membership.objects.filter(group=groupement).values_list("member_id", flat=True)
        )
        # In the order given, so that an export lists the members as they were written.
        Membership.objects.bulk_create(
            Membership(group=groupement, member=m) for m in members if m.pk not in present
        )
        return groupement_refresh_population(groupement=groupement)


def groupement_refresh_population(*, groupement: Territory) -> Territory:
    """Set the groupement's population to its members' sum (see the module docstring)."""
    totals = Territory.objects.filter(groupings=groupement).aggregate(**_totals())
    population, vintage = _sum_population(totals)
    if (groupement.population, groupement.population_vintage) != (population, vintage):
        groupement.population, groupement.population_vintage = population, vintage
        groupement.save(update_fields=["population", "population_vintage"])
    return groupement


def groupements_refresh_population() -> int:
    """Refresh every groupement's population (after an import); returns how many changed."""
    totals = {
        row.pop("group_id"): row
        for row in Membership.objects.filter(group__kind=TerritoryKind.GROUPEMENT)
        .values("group_id")
        .annotate(**_totals("member__"))
        .order_by()
    }
    changed = []
    for groupement in Territory.objects.of_kind(TerritoryKind.GROUPEMENT).only(
        "population", "population_vintage"
    ):
        population, vintage = _sum_population(totals.get(groupement.pk, {}))
        if (groupement.population, groupement.population_vintage) != (population, vintage):
            groupement.population, groupement.population_vintage = population, vintage
            changed.append(groupement)
    Territory.objects.bulk_update(changed, ["population", "population_vintage"], batch_size=500)
    return len(changed)


def _totals(prefix: str = "") -> dict:
    """Aggregates of the members' populations; `prefix` reaches them from another model."""
    row, population, vintage = f"{prefix}pk", f"{prefix}population", f"{prefix}population_vintage"
    return {
        "count": Count(row),
        "total": Sum(population),
        "unknown": Count(row, filter=Q(**{f"{population}__isnull": True})),
        "oldest": Min(vintage),
        "undated": Count(row, filter=Q(**{f"{vintage}__isnull": True})),
    }


def _sum_population(totals: dict) -> tuple[int | None, int | None]:
    if not totals.get("count") or totals["unknown"]:
        return None, None
    return totals["total"], None if totals["undated"] else totals["oldest"]


def territory_communes(territory: Territory) -> QuerySet[Territory]:
    """The communes of a territory: its own for a commune, its members' for an EPCI, its direct
    members and its EPCI members' communes for a groupement, those of a département or région."""
    communes = Territory.objects.of_kind(TerritoryKind.COMMUNE)
    match territory.kind:
        case TerritoryKind.COMMUNE:
            return communes.filter(pk=territory.pk)
        case TerritoryKind.DEPARTEMENT:
            return communes.filter(departement_code=territory.departement_code)
        case TerritoryKind.REGION:
            return communes.filter(region_code=territory.region_code)
        case _:
            direct = Membership.objects.filter(group=territory).values("member_id")
            via_epci = Membership.objects.filter(group__member_of__group=territory).values(
                "member_id"
            )
            return communes.filter(Q(pk__in=direct) | Q(pk__in=via_epci))


def territory_commune_count(territory: Territory) -> int:
    """How many communes the territory covers (1 for a commune, without a query)."""
    if territory.kind == TerritoryKind.COMMUNE:
        return 1
    return territory_communes(territory).count()


def territory_commune_counts(territories: Iterable[Territory]) -> dict[int, int]:
    """Commune counts of many EPCI, groupements and communes at once (for lists): two queries.

    Keyed by territory pk; départements and régions are left out (use territory_commune_count).
    """
    territories = list(territories)
    communes: dict[int, set[int]] = defaultdict(set)
    ids = [t.pk for t in territories if t.kind in (TerritoryKind.EPCI, TerritoryKind.GROUPEMENT)]
    direct = Membership.objects.filter(group_id__in=ids, member__kind=TerritoryKind.COMMUNE)
    for group_id, member_id in direct.values_list("group_id", "member_id"):
        communes[group_id].add(member_id)
    via_epci = Membership.objects.filter(
        group__member_of__group_id__in=ids, member__kind=TerritoryKind.COMMUNE
    )
    for group_id, member_id in via_epci.values_list("group__member_of__group_id", "member_id"):
        communes[group_id].add(member_id)
    counts = {}
    for territory in territories:
        if territory.kind == TerritoryKind.COMMUNE:
            counts[territory.pk] = 1
        elif territory.pk in ids:
            counts[territory.pk] = len(communes[territory.pk])
    return counts


def territory_member_epcis(territory: Territory) -> QuerySet[Territory]:
    """The EPCI members of a groupement, by name, each annotated with `commune_count`
    (one query). Empty for other kinds of territory."""
    return (
        Territory.objects.of_kind(TerritoryKind.EPCI)
        .filter(groupings=territory)
        .annotate(
            commune_count=Count(
                "memberships", filter=Q(memberships__member__kind=TerritoryKind.COMMUNE)
            )
        )
        .order_by("name")
    )
