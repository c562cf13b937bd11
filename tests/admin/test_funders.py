"""Funders are data (issue 14): shipped rows, SIRET checks, one resolver, officers' admin."""

import pytest
from django.core.exceptions import ValidationError

from funding.funders import funder_key, funder_resolve
from funding.models import Funder
from tests.factories import ContractFactory, TrancheFactory

pytestmark = pytest.mark.django_db

URL = "/admin/funding/funder/"
# The schema documentation's example SIRET (a valid Luhn key), standing for an officer's entry.
SIRET = "23350001600040"


def test_the_two_funders_are_shipped_under_the_codes_tranches_stored():
    shipped = Funder.objects.values_list("code", "name", "siret")
    assert sorted(shipped) == [
        ("ADEME", "ADEME Hauts-de-France", ""),
        ("REGION", "Région Hauts-de-France", ""),
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Région  Hauts-de-France", "region hauts-de-france"),
        ("RÉGION", "region"),
        ("Département de l'Aisne", "departement de l'aisne"),
    ],
)
def test_the_key_ignores_case_accents_and_spaces(text, key):
    assert funder_key(text) == key


def test_the_resolver_lists_the_known_funders_when_it_finds_none():
    assert funder_resolve("Région Hauts-de-France").code == "REGION"
    with pytest.raises(ValidationError) as error:
        funder_resolve("Hauts-de-France")
    assert error.value.messages == [
        "financeur inconnu « Hauts-de-France » : les financeurs connus sont "
        "ADEME (ADEME Hauts-de-France) et REGION (Région Hauts-de-France)"
    ]


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("23350001600041", "la clé de contrôle ne correspond pas"),
        ("2335000160004", "14 chiffres attendus"),
        ("2335000160004A", "14 chiffres attendus"),
        ("233 500 016 00040", "saisir les 14 chiffres sans espace (23350001600040)"),
    ],
)
def test_a_wrong_siret_is_refused_in_french(siret, message):
    funder = Funder.objects.get(code="REGION")
    funder.siret = siret
    with pytest.raises(ValidationError) as error:
        funder.full_clean()
    assert message in error.value.message_dict["siret"][0]


def test_a_funder_answering_to_another_ones_name_is_refused():
    clash = Funder(code="HDF", name="REGION HAUTS-DE-FRANCE")
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "« Région Hauts-de-France » (REGION) porte déjà ce code ou ce nom" in str(error.value)


@pytest.mark.parametrize("who", ["anonymous", "stranger", "staff_outside_officers"])
def test_only_officers_reach_the_funders(client, django_user_model, stranger, who):
    if who == "stranger":
        client.force_login(stranger)
    elif who == "staff_outside_officers":
        client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    response = client.get(URL)
    if who == "staff_outside_officers":
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_officer_enters_a_siret_and_the_history_keeps_it(officer_client, officer):
    region = Funder.objects.get(code="REGION")
    page = officer_client.get(URL).content.decode()
    assert "Région Hauts-de-France" in page and "ADEME Hauts-de-France" in page

    response = officer_client.post(
        f"{URL}{region.pk}/change/", {"name": "Région Hauts-de-France", "siret": SIRET}
    )
    assert response.status_code == 302
    region.refresh_from_db()
    assert (region.code, region.siret) == ("REGION", SIRET)  # the code cannot be changed
    latest = region.history.first()
    assert (latest.siret, latest.history_user) == (SIRET, officer)
    assert officer_client.get(f"{URL}{region.pk}/history/").status_code == 200


def test_an_officer_adds_a_funder_and_a_wrong_siret_saves_nothing(officer_client):
    data = {"code": "DEPT62", "name": "Département du Pas-de-Calais", "siret": "12345678901234"}
    response = officer_client.post(f"{URL}add/", data)
    assert response.status_code == 200
    assert "la clé de contrôle ne correspond pas" in response.content.decode()
    assert not Funder.objects.filter(code="DEPT62").exists()

    response = officer_client.post(f"{URL}add/", {**data, "siret": ""})
    assert response.status_code == 302
    assert funder_resolve("departement du pas-de-calais").code == "DEPT62"


def test_a_funder_with_tranches_cannot_be_deleted(officer_client):
    TrancheFactory(contract=ContractFactory(), funder_id="REGION")
    region = Funder.objects.get(code="REGION")
    response = officer_client.post(f"{URL}{region.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200  # Django's « cannot delete: protected » page
    assert Funder.objects.filter(code="REGION").exists()


def test_an_officer_enters_the_holders_siret_on_the_contract(officer_client):
    contract = ContractFactory()
    contract.holder_siret = "38047555800058"
    contract.full_clean()
    contract.save()
    assert contract.history.first().holder_siret == "38047555800058"
    contract.holder_siret = "38047555800059"
    with pytest.raises(ValidationError):
        contract.full_clean()
    page = officer_client.get(f"/admin/contracts/contract/{contract.pk}/change/").content
    assert "SIRET de la structure porteuse" in page.decode()
