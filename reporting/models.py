"""Reporting campaigns, each contract's report in them, reminders sent, unlocked entries."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from french.output import format_date as date_fr
from reporting.enums import CampaignStatus, ReportStatus

DEFAULT_REMIND_DAYS = 14


class CampaignQuerySet(models.QuerySet):
    def open(self) -> "CampaignQuerySet":
        return self.filter(status=CampaignStatus.OPEN)


class Campaign(models.Model):
    """« Bilan annuel 2022 »: what a set of contracts must report, for which period, by when."""

    name = models.CharField("nom", max_length=200)
    programme = models.ForeignKey(
        "contracts.Programme",
        verbose_name="programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text="Vide quand la campagne porte sur des contrats choisis un à un.",
    )
    period_start = models.DateField("début de la période")
    period_end = models.DateField("fin de la période")
    due_on = models.DateField("date limite de remise")
    remind_days_before = models.PositiveSmallIntegerField(
        "rappel (jours avant la date limite)", default=DEFAULT_REMIND_DAYS
    )
    expected_indicators = models.ManyToManyField(
        "indicators.Indicator",
        verbose_name="indicateurs attendus",
        blank=True,
        related_name="+",
        help_text="Vide : tous les indicateurs des contrats.",
    )
    status = models.CharField(
        "état", max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="close par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ouverte par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("ouverte le", auto_now_add=True)

    history = HistoricalRecords(verbose_name="historique de la campagne")
    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "campagne de suivi"
        verbose_name_plural = "campagnes de suivi"
        ordering = ["-due_on", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="campaign_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CampaignStatus.values), name="campaign_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.status == CampaignStatus.CLOSED


class ContractReport(models.Model):
    """One contract's report for one campaign (stored status; see ``services.report_state``)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="campagne", on_delete=models.CASCADE, related_name="reports"
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="campaign_reports",
    )
    status = models.CharField(
        "statut", max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    submitted_at = models.DateTimeField("remis le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="remis par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField("message aux agents", blank=True)
    reviewed_at = models.DateTimeField("relu le", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="relu par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.TextField("note de relecture", blank=True)

    history = HistoricalRecords(verbose_name="historique du rapport")

    class Meta:
        verbose_name = "rapport de campagne"
        verbose_name_plural = "rapports de campagne"
        ordering = ["campaign", "contract__reference"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "contract"], name="report_unique"),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.contract.reference}"


class ReminderPreference(models.Model):
    """A user's choice about reminder e-mails (no row: reminders on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    reminders_enabled = models.BooleanField("recevoir les rappels par e-mail", default=True)

    class Meta:
        verbose_name = "préférence de rappel"
        verbose_name_plural = "préférences de rappel"

    def __str__(self) -> str:
        return f"{self.user} : {'oui' if self.reminders_enabled else 'non'}"


class SentReminder(models.Model):
    """At most one reminder e-mail per person per day: the row is claimed before sending."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="destinataire",
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField("jour (heure de Paris)")
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)
    subject = models.CharField("objet", max_length=300)
    report_ids = models.JSONField("rapports concernés", default=list)

    class Meta:
        verbose_name = "rappel envoyé"
        verbose_name_plural = "rappels envoyés"
        ordering = ["-day", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_reminder_per_user_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {date_fr(self.day)}"


class EntryUnlock(models.Model):
    """An officer lets the chefs change one entry of a locked period, with a written reason."""

    entry = models.ForeignKey(
        "indicators.ProgressEntry",
        verbose_name="saisie",
        on_delete=models.CASCADE,
        related_name="unlocks",
    )
    reason = models.TextField("motif")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("le", auto_now_add=True)
    until = models.DateField("déverrouillée jusqu'au (inclus)")

    class Meta:
        verbose_name = "déverrouillage de saisie"
        verbose_name_plural = "déverrouillages de saisies"
        ordering = ["entry", "-at"]

    def __str__(self) -> str:
        return f"Saisie {self.entry_id} déverrouillée jusqu'au {date_fr(self.until)}"
