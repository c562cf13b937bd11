"""The shipped extract (attribution, licence, reproducibility) and the Etalab reader."""

import pytest
from django.conf import settings

from territories.enums import EpciType
from territories.etalab.extract import main as extract_main
from territories.etalab.reader import EPCI_TYPES, EtalabError, parse, read_folder, select_region

from .conftest import small_etalab, write_etalab

FIXTURE = settings.BASE_DIR / "fixtures" / "territories"
FILES = ["regions.json", "departements.json", "epci.json", "communes.json"]


def test_shipped_extract_credits_etalab_and_carries_the_mit_licence():
    readme = (FIXTURE / "README.md").read_text("utf-8")
    for credit in [
        "Etalab",
        "@etalab/decoupage-administratif",
        "6.0.0",
        "https://github.com/etalab/decoupage-administratif",
        "INSEE",
        "populations municipales",
        "millésime **2022**",
        "millésime **2023**",
        "Licence Ouverte",
    ]:
        assert credit in readme, credit
    licence = (FIXTURE / "LICENSE").read_text("utf-8")
    assert licence.startswith("MIT License\n\nCopyright (c) 2018-2019 Etalab\n")
    assert "Permission is hereby granted, free of charge" in licence
    assert licence in readme  # the full notice, word for word


def test_shipped_extract_is_small_and_says_its_version():
    size = sum((FIXTURE / name).stat().st_size for name in FILES)
    assert size < 2_000_000
    data = read_folder(FIXTURE)
    assert (data.version, data.version_assumed) == ("6.0.0", False)
    assert [r.code for r in data.regions] == ["32"]


def test_extract_script_gives_back_the_shipped_extract(tmp_path, capsys):
    # Redoing the extract from the extract itself changes nothing: the script made these files.
    args = ["--source", str(FIXTURE), "--region", "32", "--output", str(tmp_path)]
    assert extract_main(args) == 0
    assert "5 départements, 92 EPCI, 3\xa0831 communes écrits" in capsys.readouterr().out
    for name in [*FILES, "README.md", "LICENSE", "package.json"]:
        assert (tmp_path / name).read_bytes() == (FIXTURE / name).read_bytes(), name


def test_extract_script_reports_errors_in_french(tmp_path, capsys):
    source = write_etalab(tmp_path / "etalab", **small_etalab())  # no LICENSE
    assert extract_main(["--source", str(source), "--output", str(tmp_path / "out")]) == 1
    assert "Erreur : fichier LICENSE introuvable" in capsys.readouterr().err


def test_every_etalab_epci_type_maps_to_ours():
    assert set(EPCI_TYPES) == {"CA", "CC", "CU", "METRO", "MET69"}
    assert set(EPCI_TYPES.values()) <= set(EpciType.values)


def test_select_region_keeps_straddling_epci_whole():
    raw = {f"{name}.json": content for name, content in small_etalab().items()}
    data = select_region(parse(raw), "32")
    assert [e.code for e in data.epcis] == ["200000001", "200000002", "200000003"]
    assert "76001" in {c.code for c in data.communes}
    assert [d.code for d in data.departements] == ["62", "80"]


def test_commune_populations_prefer_the_epci_figure():
    raw = {f"{name}.json": content for name, content in small_etalab().items()}
    populations = parse(raw).commune_populations()
    assert populations["62001"] == (1000, 2022)
    assert populations["62003"] == (50, 2023)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"regions.json": {}}, "regions.json : une liste d'objets JSON est attendue"),
        ({"regions.json": ["32"]}, "regions.json, élément n° 1 : un objet JSON est attendu"),
        (
            {"regions.json": [{"code": "32", "nom": ""}]},
            "regions.json, élément n° 1 : champ « nom » manquant ou vide",
        ),
    ],
)
def test_parse_names_the_faulty_entry(raw, message):
    with pytest.raises(EtalabError) as error:
        parse(raw)
    assert str(error.value) == message


def test_negative_population_is_refused():
    raw = {f"{name}.json": content for name, content in small_etalab().items()}
    raw["communes.json"][0]["population"] = -4
    with pytest.raises(EtalabError, match="champ « population » : entier positif attendu"):
        parse(raw)
