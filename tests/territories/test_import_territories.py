"""`import_territories`: the shipped extract, another source, re-runs, the région filter, errors."""

import json

import pytest
from django.conf import settings
from django.core.management.base import CommandError

from territories.enums import EpciType, GroupementType, TerritoryKind
from territories.models import Membership, Territory
from territories.services import groupement_save

from .conftest import run_import, small_etalab, write_etalab

pytestmark = pytest.mark.django_db

SOURCE = "Etalab découpage administratif 6.0.0"


def imported(neighbour):
    """Every territory but the neighbour's, which no source holds and every import keeps."""
    return Territory.objects.exclude(pk=neighbour.contract.territory_id)


def kinds(neighbour) -> dict[str, int]:
    return {kind: imported(neighbour).of_kind(kind).count() for kind in TerritoryKind.values}


# --- The shipped Hauts-de-France extract --------------------------------------------------------


def test_default_source_is_the_shipped_hauts_de_france_extract(hdf, neighbour):
    assert "1 région, 5 départements, 92 EPCI, 3\u202f831 communes importés" in hdf
    assert "(3\u202f929 créés, 0 mis à jour, 0 inchangés)" in hdf
    assert "Adhésions aux EPCI : 3\u202f831 ajoutées, 0 retirées" in hdf
    assert "Source : Etalab découpage administratif 6.0.0 (populations municipales 2022)." in hdf
    region = Territory.objects.get(code="REG-32")
    assert (region.kind, region.name, region.region_code) == ("region", "Hauts-de-France", "32")
    departements = region.children.order_by("code")
    assert [(d.code, d.name) for d in departements] == [
        ("02", "Aisne"),
        ("59", "Nord"),
        ("60", "Oise"),
        ("62", "Pas-de-Calais"),
        ("80", "Somme"),
    ]
    assert kinds(neighbour) == {
        "region": 1,
        "departement": 5,
        "epci": 92,
        "commune": 3831,
        "groupement": 0,
    }
    # 49 communes of Seine-Maritime belong to two EPCI that straddle the border.
    assert Territory.objects.of_kind("commune").in_region("32").count() == 3782


def test_communes_hang_under_their_departement_with_the_epci_population(hdf):
    calais = Territory.objects.get(code="62193")
    assert calais.name == "Calais"
    assert calais.parent.code == "62"
    assert (calais.region_code, calais.departement_code) == ("32", "62")
    # The figure the EPCI list gives (2022), not communes.json's 67 571 (2023).
    assert (calais.population, calais.population_vintage) == (67585, 2022)
    assert calais.source == SOURCE
    nord = Territory.objects.get(code="59")
    assert (nord.parent.code, nord.region_code, nord.departement_code) == ("REG-32", "32", "59")


def test_epci_carry_type_population_members_and_main_departement(hdf):
    mel = Territory.objects.get(code="200093201")
    assert mel.name == "Métropole Européenne de Lille"
    assert mel.epci_type == EpciType.METRO
    assert (mel.region_code, mel.departement_code) == ("32", "59")
    assert mel.members.filter(code="59350").exists()  # Lille
    calais = Territory.objects.get(code="200090751")
    assert (calais.epci_type, calais.population, calais.population_vintage) == ("CA", 98913, 2022)
    assert calais.members.count() == 14
    # Straddling EPCI: the département with most of its population (Seine-Maritime).
    villes_soeurs = Territory.objects.get(code="247600588")
    assert (villes_soeurs.region_code, villes_soeurs.departement_code) == ("28", "76")
    assert villes_soeurs.members.count() == 28
    assert villes_soeurs.members.filter(region_code="32").count() == 13


def test_region_and_departement_populations_are_their_communes_sum(hdf):
    communes = Territory.objects.of_kind("commune")
    region = Territory.objects.get(code="REG-32")
    assert region.population == sum(c.population for c in communes.in_region("32"))
    assert region.population_vintage == 2022
    somme = Territory.objects.get(code="80")
    assert somme.population == sum(c.population for c in communes.filter(departement_code="80"))


def test_second_run_changes_nothing(hdf, neighbour):
    memberships = Membership.objects.count()
    before = kinds(neighbour)
    output = run_import()
    assert "(0 créés, 0 mis à jour, 3\u202f929 inchangés)" in output
    assert "0 ajoutées, 0 retirées" in output
    assert kinds(neighbour) == before
    assert Membership.objects.count() == memberships


# --- Another source -----------------------------------------------------------------------------


def test_source_folder_is_read_whole_without_region(small_source):
    output = run_import("--source", str(small_source))
    assert "2 régions, 3 départements, 3 EPCI, 6 communes importés (14 créés" in output
    assert Territory.objects.filter(code__in=["REG-32", "REG-28"]).count() == 2
    assert not Territory.objects.filter(code="62901").exists()  # commune déléguée
    delta = Territory.objects.get(code="200000003")
    assert (delta.epci_type, delta.population) == (EpciType.METRO, 4000)  # MET69


def test_source_may_be_the_package_data_folder(small_source):
    run_import("--source", str(small_source / "data"))
    assert Territory.objects.of_kind("commune").count() == 6


def test_commune_outside_any_epci_keeps_the_communes_json_figure(small_source):
    run_import("--source", str(small_source))
    island = Territory.objects.get(code="62003")
    assert (island.population, island.population_vintage) == (50, 2023)
    alpha = Territory.objects.get(code="62001")
    assert (alpha.population, alpha.population_vintage) == (1000, 2022)


def test_region_filter_takes_the_region_and_whole_epci(small_source, neighbour):
    output = run_import("--source", str(small_source), "--region", "28")
    assert "1 région, 1 département, 1 EPCI, 2 communes importés" in output
    assert set(imported(neighbour).values_list("code", flat=True)) == {
        "REG-28",
        "76",
        "200000002",
        "80001",  # Gamma, in the Somme, comes with its EPCI
        "76001",
    }
    gamma = Territory.objects.get(code="80001")
    assert gamma.parent is None  # the Somme was not imported
    epci = Territory.objects.get(code="200000002")
    assert (epci.region_code, epci.departement_code) == ("28", "76")
    # Importing the other région later completes the picture without duplicates.
    run_import("--source", str(small_source), "--region", "32")
    gamma.refresh_from_db()
    assert gamma.parent.code == "80"
    assert Territory.objects.filter(code="80001").count() == 1


def test_changes_in_the_source_are_applied_in_place(tmp_path):
    data = small_etalab()
    source = write_etalab(tmp_path / "v1", **data)
    run_import("--source", str(source))
    groupement = groupement_save(
        code="PAYS-TEST",
        name="Pays de test",
        groupement_type=GroupementType.PAYS,
        member_codes=["200000001", "200000002"],
    )
    assert groupement.population == 15000
    alpha = Territory.objects.get(code="62001")
    alpha.notes = "Commune pilote du défi énergie."
    alpha.save()
    epci = Territory.objects.get(code="200000001")

    alpha_entry = data["communes"][0]
    alpha_entry["nom"] = "Alpha-sur-Mer"
    cc = data["epci"][0]
    cc["membres"] = [{"code": "62001", "nom": "Alpha-sur-Mer", "populationMunicipale": 1200}]
    cc["populationMunicipale"] = 1200
    cc["nom"] = "CC de l'Alpha maritime"
    output = run_import("--source", str(write_etalab(tmp_path / "v2", **data)))

    # Alpha, Bêta (now outside any EPCI), the CC, and the sums of the région and the département.
    assert "(0 créés, 5 mis à jour, 9 inchangés)" in output
    assert "0 ajoutées, 1 retirées ; population recalculée pour 1 groupement." in output
    alpha.refresh_from_db()
    epci.refresh_from_db()
    assert (alpha.name, alpha.population) == ("Alpha-sur-Mer", 1200)
    assert alpha.notes == "Commune pilote du défi énergie."  # the officer's words stay
    assert (epci.name, epci.population) == ("CC de l'Alpha maritime", 1200)
    assert list(epci.members.values_list("code", flat=True)) == ["62001"]
    beta = Territory.objects.get(code="62002")
    assert not beta.groupings.exists()
    assert (beta.population, beta.population_vintage) == (2100, 2023)
    groupement.refresh_from_db()
    assert (groupement.population, groupement.population_vintage) == (13200, 2022)
    assert Territory.objects.filter(code="62001").count() == 1


def test_a_commune_moving_to_another_epci_is_moved(tmp_path):
    data = small_etalab()
    run_import("--source", str(write_etalab(tmp_path / "v1", **data)))
    moved = data["epci"][0]["membres"].pop()  # Bêta leaves the CC…
    data["epci"][2]["membres"].append(moved)  # …for the Métropole
    output = run_import("--source", str(write_etalab(tmp_path / "v2", **data)))
    assert "1 ajoutées, 1 retirées" in output
    beta = Territory.objects.get(code="62002")
    assert list(beta.groupings.values_list("code", flat=True)) == ["200000003"]


def test_missing_package_version_assumes_6_0_0_and_says_so(tmp_path):
    source = write_etalab(tmp_path / "etalab", version=None, **small_etalab())
    output = run_import("--source", str(source))
    assert "millésimes de population de la version 6.0.0 retenus" in output
    assert Territory.objects.get(code="62003").population_vintage == 2023


def territory_row(territory_id) -> dict:
    return Territory.objects.filter(pk=territory_id).values().get()


@pytest.mark.parametrize("region", [None, "32"])
def test_a_territory_missing_from_the_source_is_kept_as_it_was(small_source, neighbour, region):
    # The neighbour's EPCI is in no source and holds a live contract: an import, of the whole
    # source or of one région, neither deletes nor touches it (nor its contract).
    before = territory_row(neighbour.contract.territory_id)
    Membership.objects.create(
        group_id=neighbour.contract.territory_id,
        member=Territory.objects.create(code="99001", kind="commune", name="Commune du voisin"),
    )
    region_args = ["--region", region] if region else []
    run_import("--source", str(small_source), *region_args)
    assert territory_row(neighbour.contract.territory_id) == before
    assert Membership.objects.filter(group_id=neighbour.contract.territory_id).count() == 1
    neighbour.contract.refresh_from_db()
    assert neighbour.contract.territory.code == "999999999"
    neighbour.assert_unchanged()


# --- Errors -------------------------------------------------------------------------------------


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="dossier introuvable : .*absent"):
        run_import("--source", str(tmp_path / "absent"))


def test_missing_file_is_a_clear_error(small_source):
    (small_source / "data" / "epci.json").unlink()
    with pytest.raises(CommandError, match=r"fichier manquant : .*epci\.json"):
        run_import("--source", str(small_source))


def test_bad_json_is_a_clear_error(small_source):
    (small_source / "data" / "communes.json").write_text('[\n{"code": "62001",\n', "utf-8")
    with pytest.raises(CommandError) as error:
        run_import("--source", str(small_source))
    assert "communes.json : JSON invalide ligne 3" in str(error.value)


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        ("communes", lambda d: d[0].pop("nom"), "communes.json, élément n° 1 : champ « nom »"),
        (
            "epci",
            lambda d: d[1].update(type="SAN"),
            "epci.json, élément n° 2 (EPCI 200000002) : type d'EPCI inconnu « SAN »",
        ),
        (
            "epci",
            lambda d: d[0]["membres"].append({"code": "99999", "nom": "X"}),
            "la commune 99999, membre de l'EPCI 200000001, est absente de communes.json",
        ),
        ("regions", lambda d: d.append(dict(d[0])), "regions.json : code en double : 32"),
    ],
)
def test_malformed_entries_are_named(tmp_path, file, change, message, neighbour):
    data = small_etalab()
    change(data[file])
    with pytest.raises(CommandError) as error:
        run_import("--source", str(write_etalab(tmp_path / "etalab", **data)))
    assert message in str(error.value)
    assert not imported(neighbour).exists()


def test_unknown_region_is_a_clear_error(small_source):
    with pytest.raises(CommandError, match="région 99 absente de la source"):
        run_import("--source", str(small_source), "--region", "99")


def test_unknown_package_version_is_refused(tmp_path):
    source = write_etalab(tmp_path / "etalab", version="5.3.0", **small_etalab())
    with pytest.raises(CommandError, match="version 5.3.0 .* non prise en charge"):
        run_import("--source", str(source))


def test_a_failing_import_leaves_the_database_as_it_was(small_source, neighbour):
    # A groupement already holds an EPCI's code: the import stops, and nothing is half-written.
    Territory.objects.create(code="200000002", kind="groupement", name="Pays homonyme")
    with pytest.raises(
        CommandError, match=r"200000002 \(CA Interrégionale\) est déjà celui de Pays"
    ):
        run_import("--source", str(small_source))
    assert list(imported(neighbour).values_list("code", flat=True)) == ["200000002"]
    assert Territory.objects.filter(pk=neighbour.contract.territory_id).exists()
    assert not Membership.objects.exists()


def test_shipped_extract_files_are_etalab_shaped():
    # The same loader reads both: spot-check the shape a full Etalab package has.
    folder = settings.BASE_DIR / "fixtures" / "territories"
    epci = json.loads((folder / "epci.json").read_text("utf-8"))
    assert {"code", "nom", "type", "populationMunicipale", "membres"} <= epci[0].keys()
    communes = json.loads((folder / "communes.json").read_text("utf-8"))
    assert {c["type"] for c in communes} == {"commune-actuelle"}
