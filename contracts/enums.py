from django.db import models


class ContractStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SIGNED = "signed", "Signé"
    ACTIVE = "active", "En cours"
    CLOSED = "closed", "Clos"
    TERMINATED = "terminated", "Résilié"


# Allowed lifecycle transitions: draft → signed → active → closed, or terminated.
CONTRACT_TRANSITIONS: dict[str, frozenset[str]] = {
    ContractStatus.DRAFT: frozenset({ContractStatus.SIGNED, ContractStatus.TERMINATED}),
    ContractStatus.SIGNED: frozenset({ContractStatus.ACTIVE, ContractStatus.TERMINATED}),
    ContractStatus.ACTIVE: frozenset({ContractStatus.CLOSED, ContractStatus.TERMINATED}),
    ContractStatus.CLOSED: frozenset(),
    ContractStatus.TERMINATED: frozenset(),
}


class BonusMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "Tout ou rien"
    PRORATA = "prorata", "Au prorata de l'atteinte"


class GovernanceKind(models.TextChoices):
    COPIL = "copil", "Comité de pilotage"
    COTECH = "cotech", "Comité technique"
    WORKING_GROUP = "groupe_travail", "Groupe de travail"
    OTHER = "autre", "Autre instance"


class DocumentKind(models.TextChoices):
    PROTOCOL = "protocole", "Protocole de partenariat"
    CONVENTION = "convention", "Convention"
    REPORT = "rapport", "Rapport"
    PRESENTATION = "presentation", "Présentation"
    OTHER = "autre", "Autre document"


class MembershipRole(models.TextChoices):
    PROJECT_LEAD = "chef_de_projet", "Chef de projet"
    READER = "lecteur", "Lecteur"
