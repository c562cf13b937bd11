from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from contracts.enums import (
    BonusMode,
    ContractStatus,
    DocumentKind,
    GovernanceKind,
    MembershipRole,
)
from french.input import validate_siret

ZERO = Decimal("0")


class Referential(models.Model):
    """A numbered list of "incontournables" that one or more programmes share."""

    code = models.SlugField("code", max_length=40, unique=True)
    name = models.CharField("nom", max_length=200)

    class Meta:
        verbose_name = "référentiel"
        verbose_name_plural = "référentiels"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class IncontournableGroup(models.Model):
    referential = models.ForeignKey(
        Referential, verbose_name="référentiel", on_delete=models.CASCADE, related_name="groups"
    )
    order = models.PositiveSmallIntegerField("ordre")
    title = models.CharField("intitulé", max_length=200)

    class Meta:
        verbose_name = "groupe d'incontournables"
        verbose_name_plural = "groupes d'incontournables"
        ordering = ["referential", "order"]
        constraints = [
            models.UniqueConstraint(fields=["referential", "order"], name="group_order_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Incontournable(models.Model):
    referential = models.ForeignKey(
        Referential,
        verbose_name="référentiel",
        on_delete=models.CASCADE,
        related_name="incontournables",
    )
    group = models.ForeignKey(
        IncontournableGroup,
        verbose_name="groupe",
        on_delete=models.PROTECT,
        related_name="incontournables",
    )
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("intitulé", max_length=300)

    class Meta:
        verbose_name = "incontournable"
        verbose_name_plural = "incontournables"
        ordering = ["referential", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["referential", "number"], name="incontournable_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class BonusRuleFields(models.Model):
    """The year-3 bonus rule, stored on programmes (default) and on each contract."""

    bonus_per_inhabitant = models.DecimalField(
        "bonus par habitant (€)", max_digits=8, decimal_places=2, default=Decimal("1.00")
    )
    bonus_objective_threshold = models.DecimalField(
        "seuil par objectif", max_digits=5, decimal_places=4, default=Decimal("0.60")
    )
    bonus_priority_threshold = models.DecimalField(
        "seuil des objectifs prioritaires", max_digits=5, decimal_places=4, default=Decimal("1.00")
    )
    bonus_priority_count = models.PositiveSmallIntegerField(
        "nombre d'objectifs prioritaires attendus", default=3
    )
    bonus_cap = models.DecimalField(
        "plafond absolu du bonus (€)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=(
            "Laisser vide s'il n'y a pas d'autre plafond que population × montant par habitant."
        ),
    )
    bonus_mode = models.CharField(
        "mode de calcul du bonus",
        max_length=20,
        choices=BonusMode.choices,
        default=BonusMode.ALL_OR_NOTHING,
    )

    RULE_FIELDS = (
        "bonus_per_inhabitant",
        "bonus_objective_threshold",
        "bonus_priority_threshold",
        "bonus_priority_count",
        "bonus_cap",
        "bonus_mode",
    )

    class Meta:
        abstract = True

    @classmethod
    def rule_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(
                condition=Q(bonus_per_inhabitant__gte=0),
                name=f"{prefix}_bonus_per_inhabitant_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(bonus_objective_threshold__gte=0, bonus_priority_threshold__gte=0),
                name=f"{prefix}_bonus_thresholds_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(bonus_cap__isnull=True) | Q(bonus_cap__gte=0),
                name=f"{prefix}_bonus_cap_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(bonus_mode__in=BonusMode.values), name=f"{prefix}_bonus_mode_valid"
            ),
        ]

    def copy_rule_from(self, other: "BonusRuleFields") -> None:
        for field in self.RULE_FIELDS:
            setattr(self, field, getattr(other, field))


class Programme(BonusRuleFields):
    """A family of contracts (COTRI, COT-TRI, COT-CLIMAT, …): data, editable by officers."""

    code = models.SlugField("code", max_length=40, unique=True)
    name = models.CharField("nom", max_length=300)
    short_name = models.CharField("nom court", max_length=60)
    description = models.TextField("description", blank=True)
    referential = models.ForeignKey(
        Referential, verbose_name="référentiel", on_delete=models.PROTECT, related_name="programmes"
    )
    default_duration_years = models.PositiveSmallIntegerField("durée par défaut (ans)", default=3)

    class Meta:
        verbose_name = "programme"
        verbose_name_plural = "programmes"
        ordering = ["code"]
        constraints = BonusRuleFields.rule_constraints("programme")

    def __str__(self) -> str:
        return self.short_name or self.code


class ContractQuerySet(models.QuerySet):
    def published(self) -> "ContractQuerySet":
        return self.filter(published=True).exclude(status=ContractStatus.DRAFT)

    def active(self) -> "ContractQuerySet":
        return self.filter(status=ContractStatus.ACTIVE)


class Contract(BonusRuleFields):
    reference = models.SlugField("référence", max_length=60, unique=True)
    programme = models.ForeignKey(
        Programme, verbose_name="programme", on_delete=models.PROTECT, related_name="contracts"
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name="territoire",
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    title = models.CharField("intitulé", max_length=300)
    holder = models.CharField(
        "structure porteuse", max_length=200, help_text="Par ex. « SyMPaC », « CA du Boulonnais »."
    )
    holder_siret = models.CharField(
        "SIRET de la structure porteuse",
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=(
            "14 chiffres sans espace ; publié dans les données ouvertes des subventions "
            "(idBeneficiaire)."
        ),
    )
    summary = models.TextField("présentation", blank=True)
    signed_on = models.DateField("date de signature", null=True, blank=True)
    start = models.DateField("début", null=True, blank=True)
    end = models.DateField("fin", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    population = models.PositiveIntegerField(
        "population de référence",
        null=True,
        blank=True,
        help_text="Figée à la signature ; sert au plafond du bonus (€ par habitant).",
    )
    population_vintage = models.PositiveSmallIntegerField(
        "millésime de la population de référence", null=True, blank=True
    )
    published = models.BooleanField("fiche publiée", default=False)
    demo_data = models.BooleanField(
        "valeurs de démonstration",
        default=False,
        help_text=(
            "Les valeurs d'avancement de ce contrat sont inventées pour la démonstration "
            "(commande « demo ») : la fiche, son PDF, la page d'accueil et les données ouvertes "
            "le signalent."
        ),
    )
    data_notes = models.TextField(
        "remarques sur les données",
        blank=True,
        help_text=(
            "Ce que les sources ne donnent pas (champs laissés vides) "
            "et d'où viennent les chiffres."
        ),
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = HistoricalRecords(verbose_name="historique du contrat")
    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat"
        verbose_name_plural = "contrats"
        ordering = ["reference"]
        constraints = [
            *BonusRuleFields.rule_constraints("contract"),
            models.CheckConstraint(
                condition=Q(status__in=ContractStatus.values), name="contract_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="contract_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"


class ContractTransition(models.Model):
    """Log of lifecycle transitions (who, when, from, to)."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField("de", max_length=20, choices=ContractStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=20, choices=ContractStatus.choices)
    at = models.DateTimeField("le", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("note", max_length=500, blank=True)

    class Meta:
        verbose_name = "changement de statut"
        verbose_name_plural = "changements de statut"
        ordering = ["contract", "at", "pk"]

    def __str__(self) -> str:
        from_label = self.get_from_status_display() or "∅"
        return f"{self.contract.reference} : {from_label} → {self.get_to_status_display()}"


class Signatory(models.Model):
    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="signatories"
    )
    organisation = models.CharField("organisme", max_length=200)
    person = models.CharField("signataire", max_length=200, blank=True)
    role = models.CharField("qualité", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "signataire"
        verbose_name_plural = "signataires"
        ordering = ["contract", "order", "pk"]

    def __str__(self) -> str:
        return self.organisation


class GovernanceBody(models.Model):
    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="governance"
    )
    kind = models.CharField("instance", max_length=20, choices=GovernanceKind.choices)
    name = models.CharField("nom", max_length=200, blank=True)
    role = models.CharField("rôle", max_length=300, blank=True)
    members = models.JSONField("organismes membres", default=list, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "instance de gouvernance"
        verbose_name_plural = "instances de gouvernance"
        ordering = ["contract", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=GovernanceKind.values), name="governance_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class ContractDocument(models.Model):
    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField("type", max_length=20, choices=DocumentKind.choices)
    title = models.CharField("titre", max_length=300)
    dated = models.DateField("date", null=True, blank=True)
    file = models.FileField("fichier", upload_to="contracts/documents/", blank=True)
    url = models.URLField("adresse", blank=True)

    class Meta:
        verbose_name = "document"
        verbose_name_plural = "documents"
        ordering = ["contract", "dated", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Amendment(models.Model):
    """An avenant: dated, with what it changed."""

    contract = models.ForeignKey(
        Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="amendments"
    )
    number = models.PositiveSmallIntegerField("numéro")
    signed_on = models.DateField("date de signature")
    summary = models.TextField("ce que l'avenant modifie")
    population = models.PositiveIntegerField(
        "nouvelle population de référence",
        null=True,
        blank=True,
        help_text="À remplir seulement si l'avenant change la population de référence du contrat.",
    )
    population_vintage = models.PositiveSmallIntegerField(
        "millésime de la nouvelle population", null=True, blank=True
    )

    class Meta:
        verbose_name = "avenant"
        verbose_name_plural = "avenants"
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="amendment_number_unique")
        ]

    def __str__(self) -> str:
        return f"Avenant n° {self.number}"


class ProjectMembership(models.Model):
    """Gives a user access to every contract of one territory: report (chef) or read (lecteur)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="project_memberships",
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name="territoire",
        on_delete=models.CASCADE,
        related_name="project_memberships",
    )
    role = models.CharField(
        "rôle", max_length=20, choices=MembershipRole.choices, default=MembershipRole.PROJECT_LEAD
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "accès d'un chef de projet"
        verbose_name_plural = "accès des chefs de projet"
        ordering = ["territory", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "territory"], name="project_membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="project_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.territory} ({self.get_role_display()})"
