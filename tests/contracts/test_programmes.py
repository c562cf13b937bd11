"""The three programmes of domain.md and their referentials exist after the migrations."""

from decimal import Decimal

import pytest

from contracts.enums import BonusMode
from contracts.models import Incontournable, IncontournableGroup, Programme, Referential
from contracts.programmes import programmes_install

pytestmark = pytest.mark.django_db


def test_three_programmes_with_their_names_and_duration(neighbour):
    programmes = {p.code: p for p in Programme.objects.select_related("referential")}
    # The neighbour's contract brings its own programme, written by the test, not migrated.
    assert set(programmes) == {"COTRI", "COT-TRI", "COT-CLIMAT", "VOISIN"}
    assert neighbour.contract.programme.code == "VOISIN"
    del programmes["VOISIN"]
    assert programmes["COTRI"].name == (
        "Contrat d'Objectifs Territorial d'accélération de la Troisième Révolution Industrielle"
    )
    assert programmes["COT-TRI"].name == (
        "Contrat d'Objectifs Territorial pour l'amplification de la Troisième Révolution "
        "Industrielle"
    )
    assert programmes["COT-CLIMAT"].name == "Contrat d'Objectifs Territorial Climat"
    assert {p.default_duration_years for p in programmes.values()} == {3}
    # COTRI files its objectives under the COT TRI's 15 incontournables.
    assert programmes["COTRI"].referential == programmes["COT-TRI"].referential
    assert programmes["COT-TRI"].referential.code == "tri-15"
    assert programmes["COT-CLIMAT"].referential.code == "climat-10"


def test_tri_referential_has_15_incontournables_in_two_groups():
    referential = Referential.objects.get(code="tri-15")
    groups = list(IncontournableGroup.objects.filter(referential=referential))
    assert [g.title for g in groups] == ["Indicateurs de projet", "Domaines de coopération"]
    numbers = {
        g.title: list(g.incontournables.order_by("number").values_list("number", flat=True))
        for g in groups
    }
    assert numbers == {
        "Indicateurs de projet": [1, 2, 3, 4, 5, 6],
        "Domaines de coopération": [7, 8, 9, 10, 11, 12, 13, 14, 15],
    }
    titles = dict(referential.incontournables.values_list("number", "title"))
    assert titles[7] == "Performance énergétique et écologique du bâtiment"
    assert titles[9] == "Production et consommation responsables : l'économie circulaire"
    assert titles[10] == "Énergies renouvelables, réseaux intelligents et stockage de l'énergie"
    assert titles[15] == "Recherche, développement et innovation pour accélérer la TEE"


def test_climat_referential_has_10_incontournables_in_three_groups():
    referential = Referential.objects.get(code="climat-10")
    groups = {
        g.title: list(g.incontournables.order_by("number").values_list("number", flat=True))
        for g in referential.groups.all()
    }
    assert groups == {
        "Des territoires mobilisés et mobilisateurs": [1, 2],
        "Des territoires sobres et moins dépendants": [3, 4, 5, 6],
        "Des territoires robustes valorisant leurs ressources": [7, 8, 9, 10],
    }
    titles = dict(referential.incontournables.values_list("number", "title"))
    assert titles[1] == "Scénario de territorialisation du SRCAE"
    assert titles[10] == "Urbanisme durable"


def test_cot_tri_bonus_rule_is_the_calaisis_rule():
    programme = Programme.objects.get(code="COT-TRI")
    assert programme.bonus_per_inhabitant == Decimal("1.00")
    assert programme.bonus_objective_threshold == Decimal("0.60")
    assert programme.bonus_priority_threshold == Decimal("1.00")
    assert programme.bonus_priority_count == 3
    assert programme.bonus_cap is None
    assert programme.bonus_mode == BonusMode.ALL_OR_NOTHING


@pytest.mark.parametrize("code", ["COTRI", "COT-CLIMAT"])
def test_programmes_without_a_bonus_in_the_seeds_say_so(code):
    programme = Programme.objects.get(code=code)
    assert programme.bonus_priority_count == 0
    assert programme.bonus_per_inhabitant == Decimal("1.00")
    assert programme.bonus_objective_threshold == Decimal("0.60")
    assert "ne donnent pas de règle de bonus" in programme.description
    assert "à confirmer" in programme.description


def test_install_is_idempotent_and_restores_the_shipped_data(neighbour):
    programme = neighbour.contract.programme
    referential = programme.referential
    theirs = {
        "programme": Programme.objects.filter(pk=programme.pk).values().get(),
        "groups": list(IncontournableGroup.objects.filter(referential=referential).values()),
        "incontournables": list(Incontournable.objects.filter(referential=referential).values()),
    }
    Programme.objects.filter(code="COT-TRI").update(name="Nom modifié")
    programmes_install()
    programmes_install()
    shipped = Programme.objects.exclude(pk=programme.pk)
    assert shipped.count() == 3
    assert Referential.objects.exclude(pk=referential.pk).count() == 2
    assert IncontournableGroup.objects.exclude(referential=referential).count() == 5
    assert Incontournable.objects.exclude(referential=referential).count() == 25
    assert Programme.objects.get(code="COT-TRI").name.startswith("Contrat d'Objectifs")
    # A programme the shipped data does not hold (the neighbour's, with a contract) is left alone.
    assert theirs == {
        "programme": Programme.objects.filter(pk=programme.pk).values().get(),
        "groups": list(IncontournableGroup.objects.filter(referential=referential).values()),
        "incontournables": list(Incontournable.objects.filter(referential=referential).values()),
    }
    neighbour.assert_unchanged()
