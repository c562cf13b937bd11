"""Write one région of an Etalab `decoupage-administratif` package as a smaller package.

The extract keeps the Etalab JSON shape (one object per line, as Etalab writes them), so
`import_territories` reads it like the full package; it keeps only the fields the importer
reads. It also writes the package's LICENSE, a trimmed package.json (name, version, licence)
and a README with the attribution. The Hauts-de-France extract in `fixtures/territories/` was
made with:

    python -m territories.etalab.extract \\
        --source /path/to/etalab-decoupage-administratif-6.0.0 --region 32 \\
        --output fixtures/territories

Plain Python: no Django needed.
"""

import argparse
import json
import sys
from pathlib import Path

from territories.etalab.reader import (
    PACKAGE_NAME,
    EtalabData,
    EtalabError,
    read_folder,
    select_region,
)

README = """\
# Territoires des Hauts-de-France (extrait Etalab)

Extrait de la région {region_code} ({region_name}) des données
**{package} {version}** (Etalab, « découpage administratif » au format JSON),
lu par défaut par `python manage.py import_territories`.

- Source : <https://github.com/etalab/decoupage-administratif>, paquet npm
  `{package}@{version}` (millésime 2026 du découpage).
- Contenu : la région, ses {n_departements} départements ({departements}), ses
  {n_epci} EPCI à fiscalité propre avec leurs communes membres, et {n_communes} communes
  (`type == "commune-actuelle"` seulement) : les {n_inside} communes de la région et les
  {n_outside} communes d'autres régions membres d'un EPCI interrégional
  ({cross_epcis}).
- Populations : populations municipales de l'INSEE. Celles de `epci.json`
  (`populationMunicipale`, EPCI et communes membres) sont du millésime **2022** (populations
  légales en vigueur au 1er janvier 2025, liste DGCL des EPCI 2026) ; celles de
  `communes.json` (`population`) sont du millésime **2023** (en vigueur au 1er janvier 2026).
  L'import retient pour chaque commune le chiffre de son EPCI (millésime 2022), pour que les
  sommes concordent.
- Champs conservés : ceux que lit l'import (codes, noms, types, région et département,
  populations municipales) ; les autres (codes postaux, SIREN des communes, population totale…)
  ont été retirés.
- Refaire l'extrait : `python -m territories.etalab.extract --source DOSSIER_ETALAB
  --region {region_code} --output fixtures/territories`.

## Attribution et licence

Données : Etalab, `{package}` {version}, d'après le Code officiel géographique
et les populations légales de l'INSEE et la liste des EPCI à fiscalité propre de la DGCL.
Données sous Licence Ouverte ; code et paquet sous licence MIT, dont voici le texte
(copié du fichier LICENSE du paquet, joint dans ce dossier) :

```
{license}```
"""


def write_extract(data: EtalabData, *, output: Path, license_text: str) -> None:
    output.mkdir(parents=True, exist_ok=True)
    _write_lines(output / "regions.json", [{"code": r.code, "nom": r.name} for r in data.regions])
    _write_lines(
        output / "departements.json",
        [{"code": d.code, "region": d.region_code, "nom": d.name} for d in data.departements],
    )
    _write_lines(
        output / "epci.json",
        [
            {
                "code": e.code,
                "nom": e.name,
                "type": e.etalab_type,
                "populationMunicipale": e.population,
                "membres": [
                    {"code": m.code, "nom": m.name, "populationMunicipale": m.population}
                    for m in e.members
                ],
            }
            for e in data.epcis
        ],
    )
    _write_lines(
        output / "communes.json",
        [
            {
                "code": c.code,
                "nom": c.name,
                "departement": c.departement_code,
                "region": c.region_code,
                "type": "commune-actuelle",
                **({"population": c.population} if c.population is not None else {}),
            }
            for c in data.communes
        ],
    )
    (output / "LICENSE").write_text(license_text, encoding="utf-8")
    package = {"name": PACKAGE_NAME, "version": data.version, "license": "MIT"}
    (output / "package.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    (output / "README.md").write_text(_readme(data, license_text), encoding="utf-8")


def _readme(data: EtalabData, license_text: str) -> str:
    (region,) = data.regions
    inside = [c for c in data.communes if c.region_code == region.code]
    region_of = {c.code: c.region_code for c in data.communes}
    cross = [e for e in data.epcis if any(region_of[m.code] != region.code for m in e.members)]
    return README.format(
        region_code=region.code,
        region_name=region.name,
        package=PACKAGE_NAME,
        version=data.version,
        n_departements=_fr(len(data.departements)),
        departements=", ".join(d.code for d in data.departements),
        n_epci=_fr(len(data.epcis)),
        n_communes=_fr(len(data.communes)),
        n_inside=_fr(len(inside)),
        n_outside=_fr(len(data.communes) - len(inside)),
        cross_epcis=", ".join(f"{e.name} {e.code}" for e in cross) or "aucun",
        license=license_text,
    )


def _fr(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


def _write_lines(path: Path, items: list[dict]) -> None:
    # One object per line, like Etalab's own files: small diffs when the extract is redone.
    lines = ",\n".join(
        json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in items
    )
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")


def _license(source: Path) -> str:
    for candidate in (source / "LICENSE", source.parent / "LICENSE"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise EtalabError(f"fichier LICENSE introuvable dans {source}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Extrait une région des données Etalab.")
    parser.add_argument("--source", required=True, type=Path, help="dossier du paquet Etalab")
    parser.add_argument("--region", default="32", help="code INSEE de la région (32)")
    parser.add_argument("--output", required=True, type=Path, help="dossier à écrire")
    args = parser.parse_args(argv)
    try:
        data = select_region(read_folder(args.source), args.region)
        write_extract(data, output=args.output, license_text=_license(args.source))
    except EtalabError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    print(
        f"{_fr(len(data.departements))} départements, {_fr(len(data.epcis))} EPCI,"
        f" {_fr(len(data.communes))} communes écrits dans {args.output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
