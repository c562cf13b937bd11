from django.db import models


class TerritoryKind(models.TextChoices):
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    EPCI = "epci", "EPCI"
    COMMUNE = "commune", "Commune"
    GROUPEMENT = "groupement", "Groupement"


class EpciType(models.TextChoices):
    CA = "CA", "Communauté d'agglomération"
    CC = "CC", "Communauté de communes"
    CU = "CU", "Communauté urbaine"
    METRO = "METRO", "Métropole"


class GroupementType(models.TextChoices):
    PAYS = "pays", "Pays"
    PETR = "petr", "PETR"
    SYNDICAT_MIXTE = "syndicat_mixte", "Syndicat mixte"
    PNR = "pnr", "Parc naturel régional"
    AUTRE = "autre", "Autre groupement"
