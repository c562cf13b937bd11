from django.db import models
from django.db.models import Q

from territories.enums import EpciType, GroupementType, TerritoryKind


class TerritoryQuerySet(models.QuerySet):
    def of_kind(self, kind: str) -> "TerritoryQuerySet":
        return self.filter(kind=kind)

    def in_region(self, region_code: str) -> "TerritoryQuerySet":
        return self.filter(region_code=region_code)


class Territory(models.Model):
    """A région, département, EPCI, commune or groupement (Pays, PETR, syndicat mixte, PNR).

    Identified by its INSEE code (commune, département, région), its SIREN (EPCI) or an
    officer-chosen code (groupement). EPCI and groupements are defined by their members; a
    groupement's population is its members' sum (kept in sync by territories.services).
    """

    code = models.CharField("code", max_length=40, unique=True)
    kind = models.CharField("type", max_length=20, choices=TerritoryKind.choices)
    epci_type = models.CharField(
        "nature de l'EPCI", max_length=10, choices=EpciType.choices, blank=True
    )
    groupement_type = models.CharField(
        "nature du groupement", max_length=20, choices=GroupementType.choices, blank=True
    )
    name = models.CharField("nom", max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name="territoire parent",
        help_text="Département d'une commune, région d'un département.",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region_code = models.CharField("code région", max_length=3, blank=True, db_index=True)
    departement_code = models.CharField("code département", max_length=3, blank=True, db_index=True)
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    population_vintage = models.PositiveSmallIntegerField(
        "millésime de la population", null=True, blank=True
    )
    members = models.ManyToManyField(
        "self",
        verbose_name="membres",
        symmetrical=False,
        blank=True,
        related_name="groupings",
        through="Membership",
    )
    source = models.CharField(
        "source",
        max_length=200,
        blank=True,
        help_text="Origine des données (par ex. « Etalab découpage administratif 6.0.0 »).",
    )
    notes = models.TextField("remarques", blank=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "territoire"
        verbose_name_plural = "territoires"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TerritoryKind.values), name="territory_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(epci_type="")
                | Q(kind=TerritoryKind.EPCI, epci_type__in=EpciType.values),
                name="territory_epci_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(groupement_type="")
                | Q(kind=TerritoryKind.GROUPEMENT, groupement_type__in=GroupementType.values),
                name="territory_groupement_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def kind_label(self) -> str:
        if self.kind == TerritoryKind.EPCI and self.epci_type:
            return self.get_epci_type_display()
        if self.kind == TerritoryKind.GROUPEMENT and self.groupement_type:
            return self.get_groupement_type_display()
        return self.get_kind_display()


class Membership(models.Model):
    """A member of an EPCI (a commune) or of a groupement (an EPCI or a commune)."""

    group = models.ForeignKey(
        Territory, verbose_name="ensemble", on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(
        Territory, verbose_name="membre", on_delete=models.PROTECT, related_name="member_of"
    )

    class Meta:
        verbose_name = "adhésion"
        verbose_name_plural = "adhésions"
        constraints = [
            models.UniqueConstraint(fields=["group", "member"], name="membership_unique"),
            models.CheckConstraint(
                condition=~Q(group=models.F("member")), name="membership_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} ∈ {self.group.name}"
