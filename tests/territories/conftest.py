"""Fixtures for territories: the shipped Hauts-de-France extract, small Etalab-shaped folders."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command


def run_import(*args: str) -> str:
    """Run import_territories and return what it printed (stdout, then stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_territories", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def write_etalab(folder: Path, *, version: str | None = "6.0.0", **files) -> Path:
    """Write an Etalab-shaped package: `data/<name>.json` for each keyword, and package.json."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (data / f"{name}.json").write_text(json.dumps(content, ensure_ascii=False), "utf-8")
    if version is not None:
        package = {"name": "@etalab/decoupage-administratif", "version": version}
        (folder / "package.json").write_text(json.dumps(package), "utf-8")
    return folder


def small_etalab() -> dict:
    """Two régions, three départements, six communes, three EPCI (one straddling two régions,
    one Métropole de Lyon-style `MET69`), a commune outside any EPCI and a commune déléguée."""

    def commune(code, nom, dep, reg, population, type_="commune-actuelle"):
        return {
            "code": code,
            "nom": nom,
            "departement": dep,
            "region": reg,
            "type": type_,
            "population": population,
            "codesPostaux": ["00000"],
        }

    def member(code, nom, population):
        return {"code": code, "nom": nom, "populationMunicipale": population}

    return {
        "regions": [
            {"code": "32", "nom": "Hauts-de-France", "chefLieu": "59350"},
            {"code": "28", "nom": "Normandie", "chefLieu": "14118"},
        ],
        "departements": [
            {"code": "62", "region": "32", "nom": "Pas-de-Calais"},
            {"code": "80", "region": "32", "nom": "Somme"},
            {"code": "76", "region": "28", "nom": "Seine-Maritime"},
        ],
        "communes": [
            commune("62001", "Alpha", "62", "32", 1100),
            commune("62002", "Bêta", "62", "32", 2100),
            commune("80001", "Gamma", "80", "32", 3100),
            commune("80002", "Delta", "80", "32", 4100),
            commune("76001", "Epsilon", "76", "28", 9100),
            commune("62003", "Île-de-Zêta", "62", "32", 50),
            commune("62901", "Ancienne Alpha", "62", "32", 10, "commune-deleguee"),
        ],
        "epci": [
            {
                "code": "200000001",
                "nom": "CC de l'Alpha",
                "type": "CC",
                "populationMunicipale": 3000,
                "membres": [member("62001", "Alpha", 1000), member("62002", "Bêta", 2000)],
            },
            {
                "code": "200000002",
                "nom": "CA Interrégionale",
                "type": "CA",
                "populationMunicipale": 12000,
                "membres": [member("80001", "Gamma", 3000), member("76001", "Epsilon", 9000)],
            },
            {
                "code": "200000003",
                "nom": "Métropole Delta",
                "type": "MET69",
                "populationMunicipale": 4000,
                "membres": [member("80002", "Delta", 4000)],
            },
        ],
    }


@pytest.fixture
def small_source(tmp_path) -> Path:
    return write_etalab(tmp_path / "etalab", **small_etalab())


@pytest.fixture
def hdf(db) -> str:
    """The shipped Hauts-de-France extract, imported; returns what the command printed."""
    return run_import()
