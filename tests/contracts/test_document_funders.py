"""A tranche's funder is named by code or official name, case and accents ignored (issue 14)."""

import pytest

from exchange.documents import contract_document_export, contract_documents_import
from funding.models import Funder, Tranche
from tests.contracts.test_document_errors import import_errors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("REGION", "REGION"),
        ("Région Hauts-de-France", "REGION"),  # interfaces.md's example
        ("région hauts-de-france", "REGION"),
        ("REGION HAUTS-DE-FRANCE", "REGION"),
        ("  Région   Hauts-de-France ", "REGION"),
        ("region", "REGION"),
        ("ADEME", "ADEME"),
        ("ademe hauts-de-france", "ADEME"),
    ],
)
def test_a_document_names_a_funder_by_code_or_official_name(calaisis, spelling, code):
    calaisis["tranches"][0]["funder"] = spelling
    (contract,) = contract_documents_import(documents=[("calaisis.json", calaisis)])

    tranche = Tranche.objects.get(contract=contract, year=1)
    assert tranche.funder_id == code
    exported = contract_document_export(contract=contract)
    assert exported["tranches"][0]["funder"] == code  # export writes the code


def test_reimporting_under_another_spelling_changes_nothing(calaisis):
    calaisis["tranches"][0]["funder"] = "ADEME Hauts-de-France"
    (contract,) = contract_documents_import(documents=[("calaisis.json", calaisis)])
    tranche = Tranche.objects.get(contract=contract, year=1)
    versions = tranche.history.count()

    calaisis["tranches"][0]["funder"] = "ademe"
    contract_documents_import(documents=[("calaisis.json", calaisis)])
    assert tranche.history.count() == versions


def test_a_funder_officers_added_is_recognised(calaisis):
    Funder.objects.create(code="DEPT62", name="Département du Pas-de-Calais")
    calaisis["tranches"][0]["funder"] = "departement du pas-de-calais"
    (contract,) = contract_documents_import(documents=[("calaisis.json", calaisis)])
    assert Tranche.objects.get(contract=contract, year=1).funder_id == "DEPT62"


def test_an_unknown_funder_is_refused_naming_the_path_and_the_known_funders(calaisis):
    calaisis["tranches"][1]["funder"] = "Région Bretagne"
    assert import_errors(("calaisis.json", calaisis)) == [
        "calaisis.json: $.tranches[1].funder : financeur inconnu « Région Bretagne » : les "
        "financeurs connus sont ADEME (ADEME Hauts-de-France) et REGION (Région Hauts-de-France)"
    ]


def test_a_document_carries_the_holders_siret(calaisis):
    calaisis["holder_siret"] = "38047555800058"
    (contract,) = contract_documents_import(documents=[("calaisis.json", calaisis)])
    assert contract.holder_siret == "38047555800058"
    assert contract_document_export(contract=contract)["holder_siret"] == "38047555800058"


def test_a_holders_siret_with_a_wrong_key_is_refused(calaisis):
    calaisis["holder_siret"] = "38047555800059"
    assert import_errors(("calaisis.json", calaisis)) == [
        "calaisis.json: $.holder_siret : SIRET invalide « 38047555800059 » : la clé de contrôle "
        "ne correspond pas"
    ]
