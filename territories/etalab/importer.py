"""Write an Etalab selection to the database: territories, EPCI memberships, groupements.

Idempotent and in bulk: territories are matched by code and updated in place (name, parent,
codes, population, source; an officer's `notes` are left alone), EPCI memberships are set to
exactly the source's, and every groupement's population is then recomputed, since its members
may have changed. Territories missing from the source are kept (contracts and groupements may
point at them); they only lose their EPCI memberships when their EPCI is in the source.

Codes. Every INSEE région code is also a département code (32: Hauts-de-France and Gers) and
`Territory.code` is unique, so a région's code is prefixed: `REG-32` (see
`territories.services.region_territory_code`). `region_code` and `departement_code` hold bare
INSEE codes; a région's `region_code` is its own, a département's `departement_code` too, so
that `Territory.objects.in_region("32")` gives the région and all that lies in it. An EPCI gets
the département (and its région) holding the largest share of its population: for the two EPCI
that straddle Hauts-de-France and Normandie, that is Seine-Maritime (76, région 28).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection, transaction

from territories.enums import TerritoryKind
from territories.etalab.reader import Commune, EtalabData, EtalabError
from territories.models import Membership, Territory
from territories.services import groupements_refresh_population, region_territory_code

FIELDS = [
    "name",
    "epci_type",
    "parent",
    "region_code",
    "departement_code",
    "population",
    "population_vintage",
    "source",
]
BATCH = 500


@dataclass
class ImportReport:
    source: str
    population_vintage: int
    regions: int = 0
    departements: int = 0
    epcis: int = 0
    communes: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    memberships_added: int = 0
    memberships_removed: int = 0
    groupements_refreshed: int = 0


def import_etalab(*, data: EtalabData) -> ImportReport:
    """Import the selection in one transaction; an EtalabError leaves the database as it was."""
    with transaction.atomic():
        return _Import(data).run()


class _Import:
    def __init__(self, data: EtalabData):
        self.data = data
        self.report = ImportReport(source=data.source_label, population_vintage=data.vintages.epci)
        self.by_code = {t.code: t for t in Territory.objects.only("code", "kind", *FIELDS)}
        self.populations = data.commune_populations()
        self.communes = {c.code: c for c in data.communes}

    def run(self) -> ImportReport:
        data, report = self.data, self.report
        region_totals = self._totals(lambda c: c.region_code)
        departement_totals = self._totals(lambda c: c.departement_code)
        report.regions = self._sync(
            TerritoryKind.REGION,
            {
                region_territory_code(r.code): self._values(
                    r.name, region=r.code, population=region_totals.get(r.code)
                )
                for r in data.regions
            },
        )
        report.departements = self._sync(
            TerritoryKind.DEPARTEMENT,
            {
                d.code: self._values(
                    d.name,
                    parent=self._pk(region_territory_code(d.region_code), TerritoryKind.REGION),
                    region=d.region_code,
                    departement=d.code,
                    population=departement_totals.get(d.code),
                )
                for d in data.departements
            },
        )
        report.communes = self._sync(
            TerritoryKind.COMMUNE,
            {
                c.code: self._values(
                    c.name,
                    parent=self._pk(c.departement_code, TerritoryKind.DEPARTEMENT),
                    region=c.region_code,
                    departement=c.departement_code,
                    population=self.populations[c.code],
                )
                for c in data.communes
            },
        )
        epcis = {}
        for epci in data.epcis:
            main = self._main_commune(epci)
            epcis[epci.code] = self._values(
                epci.name,
                epci_type=epci.epci_type,
                region=main.region_code,
                departement=main.departement_code,
                population=(
                    epci.population,
                    data.vintages.epci if epci.population is not None else None,
                ),
            )
        report.epcis = self._sync(TerritoryKind.EPCI, epcis)
        self._sync_memberships()
        report.groupements_refreshed = groupements_refresh_population()
        return report

    def _values(
        self,
        name: str,
        *,
        region: str,
        departement: str = "",
        parent: int | None = None,
        epci_type: str = "",
        population: tuple[int | None, int | None] | None = None,
    ) -> dict:
        population, vintage = population or (None, None)
        return {
            "name": name,
            "epci_type": epci_type,
            "parent_id": parent,
            "region_code": region,
            "departement_code": departement,
            "population": population,
            "population_vintage": vintage,
            "source": self.data.source_label,
        }

    def _pk(self, code: str, kind: str) -> int | None:
        """The parent's pk, when the database holds it (a neighbouring département may not)."""
        territory = self.by_code.get(code)
        return territory.pk if territory is not None and territory.kind == kind else None

    def _sync(self, kind: str, rows: dict[str, dict]) -> int:
        new, changed = [], []
        for code, values in rows.items():
            territory = self.by_code.get(code)
            if territory is None:
                new.append(Territory(code=code, kind=kind, **values))
            elif territory.kind != kind:
                raise EtalabError(
                    f"le code {code} ({values['name']}) est déjà celui de {territory.name}"
                    f" ({territory.kind_label})"
                )
            elif any(getattr(territory, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(territory, key, value)
                changed.append(territory)
        Territory.objects.bulk_create(new, batch_size=BATCH)
        _update(changed)
        self.by_code.update((t.code, t) for t in new)
        self.report.created += len(new)
        self.report.updated += len(changed)
        self.report.unchanged += len(rows) - len(new) - len(changed)
        return len(rows)

    def _sync_memberships(self) -> None:
        wanted = {
            (self.by_code[epci.code].pk, self.by_code[member.code].pk)
            for epci in self.data.epcis
            for member in epci.members
        }
        epci_ids = {self.by_code[epci.code].pk for epci in self.data.epcis}
        present = {}
        for pk, group_id, member_id in Membership.objects.filter(
            group__kind=TerritoryKind.EPCI
        ).values_list("pk", "group_id", "member_id"):
            if group_id in epci_ids:
                present[group_id, member_id] = pk
        stale = [pk for pair, pk in present.items() if pair not in wanted]
        for start in range(0, len(stale), BATCH):
            Membership.objects.filter(pk__in=stale[start : start + BATCH]).delete()
        missing = [
            Membership(group_id=group_id, member_id=member_id)
            for group_id, member_id in sorted(wanted - present.keys())
        ]
        Membership.objects.bulk_create(missing, batch_size=BATCH)
        self.report.memberships_added = len(missing)
        self.report.memberships_removed = len(stale)

    def _totals(self, key) -> dict[str, tuple[int | None, int | None]]:
        """Population of each région or département: the sum of its communes' (the rule of a
        groupement's: unknown if one is unknown, else the oldest vintage)."""
        sums: Counter[str] = Counter()
        vintages: dict[str, set[int]] = defaultdict(set)
        unknown: set[str] = set()
        for commune in self.data.communes:
            population, vintage = self.populations[commune.code]
            if population is None or vintage is None:
                unknown.add(key(commune))
            else:
                sums[key(commune)] += population
                vintages[key(commune)].add(vintage)
        return {code: (sums[code], min(vintages[code])) for code in sums if code not in unknown}

    def _main_commune(self, epci) -> Commune:
        """A member commune in the département holding most of the EPCI's population."""
        shares: dict[str, list] = {}
        for member in epci.members:
            commune = self.communes[member.code]
            share = shares.setdefault(commune.departement_code, [0, 0, commune])
            share[0] += self.populations[member.code][0] or 0
            share[1] += 1
        # Largest population, then most communes, then the smallest code: a stable choice.
        code = min(shares, key=lambda code: (-shares[code][0], -shares[code][1], code))
        return shares[code][2]


def _update(territories: list[Territory]) -> None:
    """Save FIELDS of many territories: one prepared UPDATE run for each row.

    Django's bulk_update builds a CASE per field listing every row; for the 3 929 territories of
    Hauts-de-France that took 7 s on SQLite, executemany takes a fraction of a second.
    """
    if not territories:
        return
    fields = [Territory._meta.get_field(name) for name in FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    # Only quoted identifiers from the model's metadata are formatted in; values are parameters.
    sql = (
        f"UPDATE {quote(Territory._meta.db_table)} SET {assignments}"  # noqa: S608
        f" WHERE {quote(Territory._meta.pk.column)} = %s"
    )
    rows = [
        [f.get_db_prep_save(getattr(t, f.attname), connection) for f in fields] + [t.pk]
        for t in territories
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
