from django.db import models


class IndicatorKind(models.TextChoices):
    QUANTITY = "quantity", "Quantité"
    MILESTONE = "milestone", "Jalon"


class Direction(models.TextChoices):
    INCREASE = "increase", "À la hausse"
    DECREASE = "decrease", "À la baisse"


class Accumulation(models.TextChoices):
    SUM = "sum", "Cumul des valeurs saisies"
    LATEST = "latest", "Dernier niveau atteint"


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Soumise"
    VALIDATED = "validated", "Validée"
    RETURNED = "returned", "Renvoyée"


ENTRY_TRANSITIONS: dict[str, frozenset[str]] = {
    EntryStatus.DRAFT: frozenset({EntryStatus.SUBMITTED}),
    EntryStatus.SUBMITTED: frozenset({EntryStatus.VALIDATED, EntryStatus.RETURNED}),
    EntryStatus.RETURNED: frozenset({EntryStatus.SUBMITTED, EntryStatus.DRAFT}),
    EntryStatus.VALIDATED: frozenset({EntryStatus.RETURNED}),
}


class EntrySource(models.TextChoices):
    MANUAL = "manual", "Saisie"
    IMPORT = "import", "Import de fichier"
    DOCUMENT = "document", "Document de contrat"
    DEMO = "demo", "Données de démonstration"


class ActionStatus(models.TextChoices):
    PLANNED = "envisagee", "Envisagée"
    RUNNING = "en_cours", "En cours"
    DONE = "realisee", "Réalisée"
    ABANDONED = "abandonnee", "Abandonnée"


class ActorRole(models.TextChoices):
    LEAD = "chef_de_file", "Chef de file"
    PRESCRIBER = "prescripteur", "Prescripteur"
    FUNDER = "financeur", "Financeur"
    SUPPORT = "accompagnateur", "Accompagnateur / partenaire-ressource"
    TARGET = "cible", "Cible"
    RELAY = "relais", "Relais"


class Quadrant(models.TextChoices):
    ENGAGE = "engager", "Engager (très concerné, très influent)"
    INFORM = "informer", "Informer (très concerné, peu influent)"
    SATISFY = "satisfaire", "Satisfaire (peu concerné, très influent)"
    WATCH = "veiller", "Veiller (peu concerné, peu influent)"


class MeansKind(models.TextChoices):
    ENGINEERING = "ingenierie", "Ingénierie"
    SUPPORT = "accompagnement", "Accompagnement"
    FINANCING = "financement", "Financements"
