from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from funding.enums import Funder, TrancheKind, TrancheStatus

MONEY = {"max_digits": 14, "decimal_places": 2}


class TrancheQuerySet(models.QuerySet):
    def for_contract(self, contract) -> "TrancheQuerySet":
        return self.filter(contract=contract)


class Tranche(models.Model):
    """One payment of a contract's funding schedule.

    A bonus tranche keeps ``planned_amount`` empty until an evaluation is decided: until then its
    planned amount is the contract's bonus cap (see funding.services.tranche_planned_amount).
    """

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name="contrat",
        on_delete=models.PROTECT,
        related_name="tranches",
    )
    label = models.CharField("libellé", max_length=200)
    year = models.PositiveSmallIntegerField("année du contrat", help_text="1, 2, 3…")
    funder = models.CharField("financeur", max_length=20, choices=Funder.choices)
    kind = models.CharField(
        "nature", max_length=10, choices=TrancheKind.choices, default=TrancheKind.FIXED
    )
    planned_amount = models.DecimalField(
        "montant prévu (€)",
        null=True,
        blank=True,
        help_text="Vide pour un bonus non encore décidé : le plafond du contrat s'applique.",
        **MONEY,
    )
    status = models.CharField(
        "état", max_length=20, choices=TrancheStatus.choices, default=TrancheStatus.PLANNED
    )
    paid_amount = models.DecimalField("montant versé (€)", null=True, blank=True, **MONEY)
    paid_on = models.DateField("versée le", null=True, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords(verbose_name="historique de la tranche")
    objects = TrancheQuerySet.as_manager()

    class Meta:
        verbose_name = "tranche de financement"
        verbose_name_plural = "tranches de financement"
        ordering = ["contract", "year", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_amount__isnull=True) | Q(planned_amount__gte=0),
                name="tranche_planned_amount_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True) | Q(paid_amount__gte=0),
                name="tranche_paid_amount_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(kind=TrancheKind.BONUS) | Q(planned_amount__isnull=False),
                name="tranche_fixed_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(funder__in=Funder.values), name="tranche_funder_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TrancheKind.values), name="tranche_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TrancheStatus.values), name="tranche_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=TrancheStatus.PAID)
                | Q(paid_amount__isnull=False, paid_on__isnull=False),
                name="tranche_paid_has_amount_and_date",
            ),
            models.CheckConstraint(condition=Q(year__gte=1), name="tranche_year_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.label} (année {self.year})"
