from django.db import models


class TrancheKind(models.TextChoices):
    FIXED = "fixed", "Forfaitaire"
    BONUS = "bonus", "Bonus conditionnel"


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    REQUESTED = "requested", "Demandée"
    PAID = "paid", "Versée"
