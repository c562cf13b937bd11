from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from french.input import validate_siret
from french.output import format_date
from funding.enums import TrancheKind, TrancheStatus

MONEY = {"max_digits": 14, "decimal_places": 2}


class Funder(models.Model):
    """A funder of contracts (ADEME Hauts-de-France, Région Hauts-de-France, others officers add).

    Tranches point to its ``code`` (the values stored before funders were data). A contract
    document names a funder by code or official name, case and accents ignored
    (``funding.funders.funder_resolve``). The SIRET feeds the SCDL open data file
    (``idAttribuant``); empty until an officer enters it.
    """

    code = models.CharField(
        "code",
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9_-]*$",
                "Le code s'écrit en majuscules, chiffres, « - » ou « _ » (par ex. « REGION »).",
            )
        ],
        help_text="Court et stable : les tranches et les documents de contrat le citent.",
    )
    name = models.CharField(
        "nom officiel",
        max_length=200,
        unique=True,
        help_text="Par ex. « Région Hauts-de-France » ; publié dans les données ouvertes.",
    )
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text="14 chiffres sans espace ; publié dans les données ouvertes (idAttribuant).",
    )

    history = HistoricalRecords(verbose_name="historique du financeur")

    class Meta:
        verbose_name = "financeur"
        verbose_name_plural = "financeurs"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuses a code or name another funder already answers to (case and accents ignored)."""
        from funding.funders import funder_clashes

        if clash := funder_clashes(self):
            raise ValidationError(clash)


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
    funder = models.ForeignKey(
        Funder,
        verbose_name="financeur",
        to_field="code",
        db_column="funder",
        on_delete=models.PROTECT,
        related_name="tranches",
    )
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

    def save(self, *args, **kwargs):
        """Refuses decided money changed or a bonus above its cap, whoever saves (16.3)."""
        from funding.tranche_rules import tranche_check

        tranche_check(tranche=self)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from funding.tranche_rules import tranche_check  # the rules read the evaluations

        tranche_check(tranche=self)


class EvaluationStatus(models.TextChoices):
    ELIGIBLE = "eligible", "Éligible"
    NOT_ELIGIBLE = "not_eligible", "Non éligible"
    CONFIGURATION_ERROR = "configuration_error", "Erreur de configuration"


class EvaluationLocked(ValidationError):
    """Raised on any attempt to change a snapshot (only the decision may be written, once)."""


DECISION_FIELDS = frozenset({"decided_at", "decided_by"})


def _stale_condition() -> Q:
    """An evaluation is stale when its contract's inputs changed after the last check of them,
    or when that check gave another snapshot (see ``EvaluationInputs``)."""
    mark = "contract__evaluation_inputs__"
    return Q(**{f"{mark}changed_at__isnull": False}) & (
        Q(**{f"{mark}checked_at__isnull": True})
        | Q(**{f"{mark}checked_at__lt": F(f"{mark}changed_at")})
        | ~Q(fingerprint=F(f"{mark}fingerprint"))
    )


class EvaluationQuerySet(models.QuerySet):
    def decided(self) -> "EvaluationQuerySet":
        return self.filter(decided_at__isnull=False)

    def stale(self) -> "EvaluationQuerySet":
        """Evaluations whose inputs changed since they were computed (re-evaluate first)."""
        return self.filter(_stale_condition())

    def fresh(self) -> "EvaluationQuerySet":
        return self.exclude(pk__in=self.stale().values("pk"))

    def with_staleness(self) -> "EvaluationQuerySet":
        """Annotate ``is_stale`` (bool), in the same query."""
        return self.annotate(
            is_stale=models.Case(
                models.When(_stale_condition(), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def latest_first(self) -> "EvaluationQuerySet":
        return self.order_by("-as_of", "-created_at", "-pk")

    def update(self, **kwargs):
        if kwargs == {"created_by": None}:  # SET_NULL when the requesting user is deleted
            return super().update(**kwargs)
        raise EvaluationLocked(
            "Une évaluation est un instantané : elle ne se modifie pas en masse.",
            code="evaluation_immutable",
        )

    def delete(self):
        if self.filter(decided_at__isnull=False).exists():
            raise EvaluationLocked(
                "Une évaluation décidée ne peut pas être supprimée.", code="evaluation_decided"
            )
        return super().delete()


class EvaluationInputs(models.Model):
    """When a contract's evaluation inputs last changed, and what the last check of them gave.

    ``changed_at`` is set after the commit of any change to what an evaluation reads (reference
    population, dates, bonus rule, objectives, priority flags, indicators, targets, entries) by
    the same scheduler that enqueues the re-evaluation (funding.tasks). Each evaluation run
    records ``checked_at`` (when it *started* reading) and the ``fingerprint`` it found. A
    snapshot is fresh when the last check started after the last change and found its
    fingerprint; ``Evaluation.objects.stale()`` lists the others.
    """

    contract = models.OneToOneField(
        "contracts.Contract",
        verbose_name="contrat",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="evaluation_inputs",
    )
    changed_at = models.DateTimeField("données modifiées le", null=True)
    checked_at = models.DateTimeField("données évaluées le", null=True)
    fingerprint = models.CharField("empreinte des données évaluées", max_length=64, blank=True)

    class Meta:
        verbose_name = "état des données évaluées"
        verbose_name_plural = "états des données évaluées"

    def __str__(self) -> str:
        return f"Données évaluées du contrat n° {self.contract_id}"


class Evaluation(models.Model):
    """An immutable snapshot of a contract's year-3 bonus evaluation at one date.

    Everything the officers and the public read is stored, so the snapshot never changes when the
    contract does: the rule used, each objective's and indicator's level, rate, threshold, verdict,
    pending (submitted) value, missing value and projection (``objectives``), the eligibility, the
    amount and the French reasons. Decimal values in the JSON fields are decimal strings.

    ``fingerprint`` is the SHA-256 of everything the snapshot is computed from: evaluating the same
    inputs again returns the stored snapshot instead of a duplicate. Deciding (once per contract)
    is the only write allowed after creation; a decided evaluation never changes again.
    """

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name="contrat",
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    as_of = models.DateField("évaluation au")
    fingerprint = models.CharField("empreinte des données évaluées", max_length=64)
    status = models.CharField("résultat", max_length=20, choices=EvaluationStatus.choices)
    eligible = models.BooleanField("éligible au bonus", null=True)
    bonus_cap = models.DecimalField("plafond du bonus (€)", null=True, **MONEY)
    bonus_amount = models.DecimalField("montant du bonus (€)", null=True, **MONEY)
    population = models.PositiveIntegerField("population de référence", null=True)
    contract_start = models.DateField("début du contrat", null=True)
    contract_end = models.DateField("fin du contrat", null=True)
    rule = models.JSONField("règle du bonus appliquée")
    objectives = models.JSONField("objectifs et indicateurs", default=list)
    reasons = models.JSONField("motifs", default=list)
    errors = models.JSONField("erreurs de configuration", default=list)
    created_at = models.DateTimeField("calculée le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décidée par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # who decided a payment stays known
        related_name="+",
    )

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = "évaluation du bonus"
        verbose_name_plural = "évaluations du bonus"
        ordering = ["contract", "-as_of", "-created_at", "-pk"]
        permissions = [("decide_evaluation", "Peut décider une évaluation (montant du bonus)")]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "as_of", "fingerprint"], name="evaluation_inputs_unique"
            ),
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(decided_at__isnull=False),
                name="evaluation_one_decision_per_contract",
            ),
            models.CheckConstraint(
                condition=Q(status=EvaluationStatus.ELIGIBLE, eligible=True)
                | Q(status=EvaluationStatus.NOT_ELIGIBLE, eligible=False, bonus_amount=0)
                | Q(
                    status=EvaluationStatus.CONFIGURATION_ERROR,
                    eligible__isnull=True,
                    bonus_amount__isnull=True,
                ),
                name="evaluation_status_consistent",
            ),
            models.CheckConstraint(
                condition=Q(bonus_amount__isnull=True)
                | Q(bonus_cap__isnull=False, bonus_amount__gte=0, bonus_amount__lte=F("bonus_cap")),
                name="evaluation_amount_within_cap",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True)
                | ~Q(status=EvaluationStatus.CONFIGURATION_ERROR),
                name="evaluation_decided_not_misconfigured",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | Q(decided_at__isnull=False),
                name="evaluation_decider_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Évaluation de {self.contract.reference} au {format_date(self.as_of)}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self._refuse_change(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def _refuse_change(self, update_fields) -> None:
        if type(self).objects.filter(pk=self.pk, decided_at__isnull=False).exists():
            raise EvaluationLocked(
                "Cette évaluation est décidée : elle ne peut plus être modifiée.",
                code="evaluation_decided",
            )
        if update_fields is None or not set(update_fields) <= DECISION_FIELDS:
            raise EvaluationLocked(
                "Une évaluation est un instantané : seule la décision peut y être ajoutée.",
                code="evaluation_immutable",
            )

    def delete(self, *args, **kwargs):
        if (
            self.decided_at is not None
            or type(self).objects.filter(pk=self.pk, decided_at__isnull=False).exists()
        ):
            raise EvaluationLocked(
                "Une évaluation décidée ne peut pas être supprimée.", code="evaluation_decided"
            )
        return super().delete(*args, **kwargs)

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class ProgrammeTranche(models.Model):
    """A tranche every new contract of a programme starts with (copied at creation, then its own).

    A fixed tranche carries its amount; a bonus tranche none (its planned amount is the contract's
    cap until an evaluation is decided).
    """

    programme = models.ForeignKey(
        "contracts.Programme",
        verbose_name="programme",
        on_delete=models.CASCADE,
        related_name="default_tranches",
    )
    label = models.CharField("libellé", max_length=200)
    year = models.PositiveSmallIntegerField("année du contrat", help_text="1, 2, 3…")
    funder = models.ForeignKey(
        Funder,
        verbose_name="financeur",
        to_field="code",
        db_column="funder",
        on_delete=models.PROTECT,
        related_name="programme_tranches",
    )
    kind = models.CharField(
        "nature", max_length=10, choices=TrancheKind.choices, default=TrancheKind.FIXED
    )
    amount = models.DecimalField(
        "montant (€)",
        null=True,
        blank=True,
        help_text="Obligatoire pour une tranche forfaitaire ; vide pour le bonus.",
        **MONEY,
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "tranche par défaut du programme"
        verbose_name_plural = "tranches par défaut du programme"
        ordering = ["programme", "year", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=TrancheKind.BONUS) | Q(amount__isnull=False, amount__gte=0),
                name="programme_tranche_fixed_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TrancheKind.values), name="programme_tranche_kind_valid"
            ),
            models.CheckConstraint(condition=Q(year__gte=1), name="programme_tranche_year_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.label} (année {self.year})"
