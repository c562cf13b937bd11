from django.db import models


class CampaignStatus(models.TextChoices):
    OPEN = "open", "Ouverte"
    CLOSED = "closed", "Close"


class ReportStatus(models.TextChoices):
    """What is stored; « brouillon » and « non commencé » are read from the entries."""

    PENDING = "pending", "À remettre"
    SUBMITTED = "submitted", "Remis"
    VALIDATED = "validated", "Validé"
    RETURNED = "returned", "Renvoyé"


class ReportState(models.TextChoices):
    """What users read: the stored status, with « pending » split by whether anything is entered."""

    NOT_STARTED = "not_started", "Non commencé"
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Remis"
    VALIDATED = "validated", "Validé"
    RETURNED = "returned", "Renvoyé"


# A chef de projet may mark a report complete from these statuses.
SUBMITTABLE = frozenset({ReportStatus.PENDING, ReportStatus.RETURNED})
# Officers review submitted reports; a validated one may still be sent back.
REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.PENDING: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.SUBMITTED: frozenset({ReportStatus.VALIDATED, ReportStatus.RETURNED}),
    ReportStatus.RETURNED: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.VALIDATED: frozenset({ReportStatus.RETURNED}),
}
