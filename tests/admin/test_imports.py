"""Territories and objectives imported from spreadsheets by officers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Objective
from territories.enums import EpciType, TerritoryKind
from territories.models import Territory
from tests.factories import ContractFactory, IncontournableFactory, TerritoryFactory


def _import(client, model, content: bytes, name="fichier.csv"):
    """Upload then confirm; returns (preview, final response or None)."""
    app, model_name = model._meta.app_label, model._meta.model_name
    preview = client.post(
        reverse(f"admin:{app}_{model_name}_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile(name, content)},
    )
    form = preview.context.get("confirm_form")
    if form is None:
        return preview, None
    final = client.post(
        reverse(f"admin:{app}_{model_name}_process_import"),
        {field: form.initial[field] for field in form.fields},
        follow=True,
    )
    return preview, final


def test_territories_are_created_or_updated_by_code(officer_client):
    TerritoryFactory(code="62", kind=TerritoryKind.DEPARTEMENT, epci_type="", name="Pas-de-Calais")
    existing = TerritoryFactory(code="200090751", name="Ancien nom", population=1)
    content = (
        "code;kind;epci_type;name;parent;departement_code;population;population_vintage\n"
        "200090751;epci;CA;CA Grand Calais Terres et Mers;62;62;104 513;2021\n"
        "246200844;EPCI;Communauté de communes;CC de la Région d'Audruicq;62;62;27 153;2021\n"
    ).encode("cp1252")

    preview, final = _import(officer_client, Territory, content)

    assert final is not None, preview.content.decode()
    assert "Import terminé (territoires) : 1 ajout, 1 mise à jour" in final.content.decode()
    existing.refresh_from_db()
    assert existing.name == "CA Grand Calais Terres et Mers"
    assert existing.population == 104_513
    assert existing.parent.code == "62"
    audruicq = Territory.objects.get(code="246200844")
    assert (audruicq.kind, audruicq.epci_type) == (TerritoryKind.EPCI, EpciType.CC)


def test_a_bad_territory_row_saves_nothing(officer_client):
    content = (
        "code,kind,name,population\n"
        "200090751,epci,CA Grand Calais,104513\n"
        "246200844,canton,CC de la Région d'Audruicq,27153\n"
        "246200845,commune,Ailleurs,beaucoup\n"
    ).encode()

    preview, final = _import(officer_client, Territory, content)

    assert final is None
    page = preview.content.decode()
    assert "ligne 3 : kind : valeur inconnue « canton »" in page
    assert "ligne 4 : population : nombre invalide « beaucoup »" in page
    # Only the neighbour's territory.
    assert list(Territory.objects.values_list("code", flat=True)) == ["999999999"]


def test_objectives_are_filed_under_the_programme_incontournables(
    officer_client, officer, neighbour
):
    contract = ContractFactory(reference="COT-TEST")
    referential = contract.programme.referential
    IncontournableFactory(referential=referential, group__referential=referential, number=7)
    content = (
        "contract;code;incontournable;title;priority\n"
        "COT-TEST;O1;7;1500 rénovations réalisées;oui\n"
    ).encode()

    preview, final = _import(officer_client, Objective, content)

    assert final is not None, preview.content.decode()
    objective = Objective.objects.get(contract=contract, code="O1")
    assert objective.priority is True
    assert objective.incontournable.number == 7
    assert objective.history.get().history_user == officer
    assert Objective.objects.count() == 2  # ours and the neighbour's
    neighbour.assert_unchanged()  # a file naming one contract writes in that contract only


def test_an_objective_under_an_unknown_incontournable_is_refused(officer_client, neighbour):
    ContractFactory(reference="COT-TEST")
    content = (
        b"contract;code;incontournable;title\nCOT-TEST;O1;99;Objectif\nCOT-AUTRE;O2;1;Objectif\n"
    )

    preview, final = _import(officer_client, Objective, content)

    assert final is None
    page = preview.content.decode()
    assert "ligne 2 : incontournable : incontournable « 99 » absent du référentiel" in page
    assert "ligne 3 : contract : contrat « COT-AUTRE » introuvable" in page
    assert not Objective.objects.filter(contract__reference="COT-TEST").exists()
    assert Objective.objects.count() == 1  # the neighbour's
    neighbour.assert_unchanged()


@pytest.mark.parametrize(
    "name", ["territories_territory", "indicators_objective", "indicators_progressentry"]
)
def test_the_import_and_export_pages_open(officer_client, name):
    for view in ("import", "export"):
        assert officer_client.get(reverse(f"admin:{name}_{view}")).status_code == 200


def test_an_unknown_column_is_refused_rather_than_ignored(officer_client):
    preview, final = _import(officer_client, Territory, b"code;nom\n62;Pas-de-Calais\n")
    assert final is None
    assert "colonne(s) inconnue(s) : nom" in preview.content.decode()
    # Only the neighbour's territory.
    assert list(Territory.objects.values_list("code", flat=True)) == ["999999999"]
