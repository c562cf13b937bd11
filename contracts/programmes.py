"""The programmes shipped with cotri (COTRI, COT-TRI, COT-CLIMAT) and their referentials, as data.

The data migration ``0002_programmes`` and the ``demo`` command install them with
:func:`programmes_install`; officers edit them afterwards in the admin. Titles follow
``domain.md`` (which condenses the seeds' wording).
"""

from decimal import Decimal
from typing import Any

TRI_REFERENTIAL = "tri-15"
CLIMAT_REFERENTIAL = "climat-10"

REFERENTIALS: list[dict[str, Any]] = [
    {
        "code": TRI_REFERENTIAL,
        "name": "Les 15 incontournables de la Troisième Révolution Industrielle",
        "groups": [
            {
                "order": 1,
                "title": "Indicateurs de projet",
                "incontournables": [
                    (1, "Diagnostic"),
                    (2, "Pilotage et animation"),
                    (3, "Suivi et évaluation"),
                    (4, "Valorisation"),
                    (5, "Scénarisation"),
                    (6, "Mobilisation"),
                ],
            },
            {
                "order": 2,
                "title": "Domaines de coopération",
                "incontournables": [
                    (7, "Performance énergétique et écologique du bâtiment"),
                    (8, "Mobilité décarbonée des biens et des personnes"),
                    (9, "Production et consommation responsables : l'économie circulaire"),
                    (10, "Énergies renouvelables, réseaux intelligents et stockage de l'énergie"),
                    (11, "Adaptation"),
                    (12, "Qualité de l'air"),
                    (13, "Préservation de la biodiversité et stockage du carbone dans les sols"),
                    (14, "Urbanisme durable"),
                    (15, "Recherche, développement et innovation pour accélérer la TEE"),
                ],
            },
        ],
    },
    {
        "code": CLIMAT_REFERENTIAL,
        "name": "Les 10 incontournables du COT Climat",
        "groups": [
            {
                "order": 1,
                "title": "Des territoires mobilisés et mobilisateurs",
                "incontournables": [
                    (1, "Scénario de territorialisation du SRCAE"),
                    (2, "Information et mobilisation de tous les acteurs"),
                ],
            },
            {
                "order": 2,
                "title": "Des territoires sobres et moins dépendants",
                "incontournables": [
                    (3, "Rénovation thermique de l'habitat privé"),
                    (4, "Stratégie 2020 de rénovation du patrimoine public"),
                    (5, "Stratégie globale de mobilité"),
                    (6, "Nouveaux modes de production et consommation"),
                ],
            },
            {
                "order": 3,
                "title": "Des territoires robustes valorisant leurs ressources",
                "incontournables": [
                    (7, "Potentialités ENR&R locales"),
                    (8, "Diagnostic de vulnérabilité"),
                    (9, "Plan d'actions biodiversité"),
                    (10, "Urbanisme durable"),
                ],
            },
        ],
    },
]

_NO_BONUS_IN_SEEDS = (
    "Les sources ne donnent pas de règle de bonus pour ce programme : la règle par défaut "
    "(1,00 € par habitant, seuils de 60 % par objectif et de 100 % pour les objectifs "
    "prioritaires, aucun objectif prioritaire attendu, tout ou rien) est à confirmer par les "
    "services de l'ADEME et de la Région."
)

PROGRAMMES: list[dict[str, Any]] = [
    {
        "code": "COTRI",
        "name": (
            "Contrat d'Objectifs Territorial d'accélération de la Troisième Révolution Industrielle"
        ),
        "short_name": "COTRI",
        "referential": TRI_REFERENTIAL,
        "default_duration_years": 3,
        "description": (
            "Dispositif contractuel de 3 ans entre une collectivité, l'ADEME et la Région "
            "Hauts-de-France (premiers contrats signés le 21 octobre 2016 : Métropole Européenne "
            "de Lille, Pays du Boulonnais, CC Picardie verte). Un protocole de partenariat est "
            "signé par le préfet, l'ADEME, la Région et le territoire ; l'ADEME et la Région "
            "financent un contrat d'objectifs de 3 ans, complété par les fonds de droit commun "
            "(fonds chaleur, fonds déchets, fonds européens). Les objectifs sont classés selon "
            "les 15 incontournables partagés avec le COT TRI. " + _NO_BONUS_IN_SEEDS
        ),
        "bonus_per_inhabitant": Decimal("1.00"),
        "bonus_objective_threshold": Decimal("0.60"),
        "bonus_priority_threshold": Decimal("1.00"),
        "bonus_priority_count": 0,
        "bonus_cap": None,
        "bonus_mode": "all_or_nothing",
    },
    {
        "code": "COT-TRI",
        "name": (
            "Contrat d'Objectifs Territorial pour l'amplification de la Troisième Révolution "
            "Industrielle"
        ),
        "short_name": "COT TRI",
        "referential": TRI_REFERENTIAL,
        "default_duration_years": 3,
        "description": (
            "Dispositif d'accompagnement de l'ADEME, cofinancé par la Région Hauts-de-France "
            "(FRATRI), pour 3 ans, structuré en 15 incontournables. Années 1 et 2 : aide "
            "forfaitaire ; année 3 : bonus d'au plus 1 € par habitant si chaque objectif est "
            "atteint à 60 % au moins et les 3 objectifs prioritaires à 100 % (règle du COT TRI "
            "du Pays du Calaisis 2021-2023)."
        ),
        "bonus_per_inhabitant": Decimal("1.00"),
        "bonus_objective_threshold": Decimal("0.60"),
        "bonus_priority_threshold": Decimal("1.00"),
        "bonus_priority_count": 3,
        "bonus_cap": None,
        "bonus_mode": "all_or_nothing",
    },
    {
        "code": "COT-CLIMAT",
        "name": "Contrat d'Objectifs Territorial Climat",
        "short_name": "COT Climat",
        "referential": CLIMAT_REFERENTIAL,
        "default_duration_years": 3,
        "description": (
            "Deuxième génération des contrats d'objectifs des Plans Climat Territoriaux du "
            "Nord-Pas de Calais (à partir de 2014), signés avec la Région et l'ADEME, structurés "
            "en 10 incontournables. " + _NO_BONUS_IN_SEEDS
        ),
        "bonus_per_inhabitant": Decimal("1.00"),
        "bonus_objective_threshold": Decimal("0.60"),
        "bonus_priority_threshold": Decimal("1.00"),
        "bonus_priority_count": 0,
        "bonus_cap": None,
        "bonus_mode": "all_or_nothing",
    },
]

_PROGRAMME_FIELDS = (
    "name",
    "short_name",
    "description",
    "default_duration_years",
    "bonus_per_inhabitant",
    "bonus_objective_threshold",
    "bonus_priority_threshold",
    "bonus_priority_count",
    "bonus_cap",
    "bonus_mode",
)


def programmes_install(*, apps=None) -> None:
    """Create or update the shipped referentials and programmes (idempotent).

    ``apps`` is a migration's app registry; without it, the project's current models are used.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    referential_model = apps.get_model("contracts", "Referential")
    group_model = apps.get_model("contracts", "IncontournableGroup")
    incontournable_model = apps.get_model("contracts", "Incontournable")
    programme_model = apps.get_model("contracts", "Programme")

    referentials = {}
    for data in REFERENTIALS:
        referential, _ = referential_model.objects.update_or_create(
            code=data["code"], defaults={"name": data["name"]}
        )
        referentials[data["code"]] = referential
        for group_data in data["groups"]:
            group, _ = group_model.objects.update_or_create(
                referential=referential,
                order=group_data["order"],
                defaults={"title": group_data["title"]},
            )
            for number, title in group_data["incontournables"]:
                incontournable_model.objects.update_or_create(
                    referential=referential,
                    number=number,
                    defaults={"group": group, "title": title},
                )

    for data in PROGRAMMES:
        programme_model.objects.update_or_create(
            code=data["code"],
            defaults={
                "referential": referentials[data["referential"]],
                **{field: data[field] for field in _PROGRAMME_FIELDS},
            },
        )
