from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from french.output import format_date, format_number
from indicators.enums import (
    Accumulation,
    ActionStatus,
    ActorRole,
    Direction,
    EntrySource,
    EntryStatus,
    IndicatorKind,
    MeansKind,
    Quadrant,
)

VALUE_DIGITS = {"max_digits": 16, "decimal_places": 4}


class IndicatorDefinition(models.Model):
    """A shared catalogue entry ("km d'aménagements cyclables") to sum indicators region-wide."""

    code = models.SlugField("code", max_length=60, unique=True)
    label = models.CharField("libellé", max_length=200)
    unit = models.CharField("unité", max_length=40)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "indicateur du catalogue"
        verbose_name_plural = "catalogue d'indicateurs"
        ordering = ["label"]

    def __str__(self) -> str:
        return f"{self.label} ({self.unit})"


class Objective(models.Model):
    """An "objectif contractuel" filed under one incontournable of the contract's programme."""

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="objectives",
    )
    incontournable = models.ForeignKey(
        "contracts.Incontournable",
        verbose_name="incontournable",
        on_delete=models.PROTECT,
        related_name="objectives",
    )
    code = models.CharField("code", max_length=20)
    title = models.CharField("intitulé", max_length=500)
    priority = models.BooleanField("prioritaire", default=False)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    findings = models.JSONField("état des lieux", default=list, blank=True)
    links = models.JSONField("liens", default=list, blank=True)
    notes = models.TextField("remarques", blank=True)

    history = HistoricalRecords(verbose_name="historique de l'objectif")

    class Meta:
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        ordering = ["contract", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="objective_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def clean(self) -> None:
        """The incontournable must belong to the referential of the contract's programme."""
        super().clean()
        if self.contract_id is None or self.incontournable_id is None:
            return
        programme = self.contract.programme
        if self.incontournable.referential_id != programme.referential_id:
            raise ValidationError(
                {
                    "incontournable": (
                        f"« {self.incontournable} » n'est pas un incontournable du programme "
                        f"{programme} : choisissez parmi ceux de son référentiel."
                    )
                }
            )


class Indicator(models.Model):
    objective = models.ForeignKey(
        Objective, verbose_name="objectif", on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField("code", max_length=60)
    label = models.CharField("libellé", max_length=300)
    unit = models.CharField("unité", max_length=40, blank=True)
    kind = models.CharField(
        "nature", max_length=20, choices=IndicatorKind.choices, default=IndicatorKind.QUANTITY
    )
    direction = models.CharField(
        "sens", max_length=20, choices=Direction.choices, default=Direction.INCREASE
    )
    accumulation = models.CharField(
        "cumul", max_length=20, choices=Accumulation.choices, default=Accumulation.SUM
    )
    baseline = models.DecimalField("valeur de référence", default=Decimal("0"), **VALUE_DIGITS)
    target = models.DecimalField("cible", **VALUE_DIGITS)
    definition = models.ForeignKey(
        IndicatorDefinition,
        verbose_name="indicateur du catalogue",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords(verbose_name="historique de l'indicateur")

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["objective", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=Q(baseline__gte=0, target__gte=0), name="indicator_values_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=IndicatorKind.values), name="indicator_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="indicator_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(accumulation__in=Accumulation.values),
                name="indicator_accumulation_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ProgressEntryQuerySet(models.QuerySet):
    def validated(self) -> "ProgressEntryQuerySet":
        return self.filter(status=EntryStatus.VALIDATED)

    def for_contract(self, contract) -> "ProgressEntryQuerySet":
        return self.filter(indicator__objective__contract=contract)


class ProgressEntry(models.Model):
    """One value for one indicator at one date; only validated entries count."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="indicateur", on_delete=models.PROTECT, related_name="entries"
    )
    date = models.DateField("date")
    value = models.DecimalField("valeur", **VALUE_DIGITS)
    comment = models.TextField("commentaire", blank=True, help_text="Adressé aux agents.")
    comment_public = models.BooleanField(
        "commentaire public",
        default=False,
        help_text="Coché par un agent : le commentaire paraît sur la fiche publique.",
    )
    private_note = models.TextField(
        "note de travail",
        blank=True,
        help_text="Vue seulement des membres du territoire (ni les agents, ni le public).",
    )
    status = models.CharField(
        "statut", max_length=20, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    source = models.CharField(
        "origine", max_length=20, choices=EntrySource.choices, default=EntrySource.MANUAL
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_entries",
    )
    submitted_at = models.DateTimeField("soumise le", null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="relue par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_entries",
    )
    reviewed_at = models.DateTimeField("relue le", null=True, blank=True)
    review_note = models.TextField("note de relecture", blank=True)
    version = models.PositiveIntegerField("version", default=1)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    history = HistoricalRecords(verbose_name="historique de la saisie")
    objects = ProgressEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "saisie d'avancement"
        verbose_name_plural = "saisies d'avancement"
        ordering = ["indicator", "date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="entry_value_gte_0"),
            models.CheckConstraint(
                condition=Q(status__in=EntryStatus.values), name="entry_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=EntrySource.values), name="entry_source_valid"
            ),
            # One value per indicator and date (indicators.entry_rules gives the French message).
            models.UniqueConstraint(
                fields=["indicator", "date"],
                name="entry_indicator_date_unique",
                violation_error_message="Une valeur existe déjà à cette date : modifiez-la.",
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "status", "date"]),
            # National size (2 million rows): the validation queue (status, oldest first) and the
            # admin's date filter and sort read these instead of the whole table.
            models.Index(
                fields=["status", "submitted_at", "id"], name="entry_status_submitted_idx"
            ),
            models.Index(fields=["date", "id"], name="entry_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} : {format_number(self.value)} au {format_date(self.date)}"


class EntryTransition(models.Model):
    """Log of a progress entry's status changes (who, when, from, to)."""

    entry = models.ForeignKey(
        ProgressEntry, verbose_name="saisie", on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField("de", max_length=20, choices=EntryStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=20, choices=EntryStatus.choices)
    at = models.DateTimeField("le", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "changement de statut d'une saisie"
        verbose_name_plural = "changements de statut des saisies"
        ordering = ["entry", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '∅'} → {self.get_to_status_display()}"


class Evidence(models.Model):
    entry = models.ForeignKey(
        ProgressEntry, verbose_name="saisie", on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("fichier", upload_to="evidence/%Y/%m/")
    original_name = models.CharField("nom d'origine", max_length=255)
    size = models.PositiveIntegerField("taille (octets)", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "justificatif"
        verbose_name_plural = "justificatifs"
        ordering = ["entry", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Action(models.Model):
    objective = models.ForeignKey(
        Objective, verbose_name="objectif", on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField("action", max_length=500)
    lead = models.CharField("porteur", max_length=200, blank=True)
    status = models.CharField(
        "état", max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    scheme = models.CharField(
        "démarche de rattachement",
        max_length=200,
        blank=True,
        help_text="Par ex. « Démarche REV 3 (GCT&M) ».",
    )
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin", null=True, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords(verbose_name="historique de l'action")

    class Meta:
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ["objective", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Actor(models.Model):
    objective = models.ForeignKey(
        Objective, verbose_name="objectif", on_delete=models.CASCADE, related_name="actors"
    )
    organisation = models.CharField("organisme", max_length=200)
    role = models.CharField("rôle", max_length=20, choices=ActorRole.choices)
    quadrant = models.CharField(
        "place (intérêt × influence)", max_length=20, choices=Quadrant.choices, blank=True
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords(verbose_name="historique de l'acteur")

    class Meta:
        verbose_name = "acteur"
        verbose_name_plural = "acteurs"
        ordering = ["objective", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=ActorRole.values), name="actor_role_valid"),
            models.CheckConstraint(
                condition=Q(quadrant="") | Q(quadrant__in=Quadrant.values),
                name="actor_quadrant_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation


class Means(models.Model):
    objective = models.ForeignKey(
        Objective, verbose_name="objectif", on_delete=models.CASCADE, related_name="means"
    )
    kind = models.CharField("nature", max_length=20, choices=MeansKind.choices)
    organisation = models.CharField("organisme", max_length=200)
    detail = models.CharField("précision", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords(verbose_name="historique du moyen")

    class Meta:
        verbose_name = "moyen"
        verbose_name_plural = "moyens"
        ordering = ["objective", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MeansKind.values), name="means_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.organisation}"


class WorkbookVisit(models.Model):
    """When an officer last read a contract's workbooks: what changed since is shown to them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="agent", on_delete=models.CASCADE, related_name="+"
    )
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name="contrat", on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField("dernière visite")

    class Meta:
        verbose_name = "visite d'un carnet d'objectifs"
        verbose_name_plural = "visites des carnets d'objectifs"
        constraints = [
            models.UniqueConstraint(fields=["user", "contract"], name="workbook_visit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.contract} ({format_date(self.seen_at)})"
