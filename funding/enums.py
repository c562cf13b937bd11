from django.db import models


class Funder(models.TextChoices):
    ADEME = "ADEME", "ADEME"
    REGION = "REGION", "Région Hauts-de-France (FRATRI)"
    OTHER = "AUTRE", "Autre financeur"


class TrancheKind(models.TextChoices):
    FIXED = "fixed", "Forfaitaire"
    BONUS = "bonus", "Bonus conditionnel"


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    REQUESTED = "requested", "Demandée"
    PAID = "paid", "Versée"
