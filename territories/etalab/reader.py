"""Read and validate an Etalab `decoupage-administratif` folder; select one région.

Plain Python, no Django: the extract script and the importer share it. Every error is an
`EtalabError` whose message is French and names the file and the entry at fault.

Population vintages. The 6.0.0 package mixes two INSEE vintages of the *population municipale*:
`epci.json` carries the DGCL figures of each EPCI and of each member commune
(`populationMunicipale`), vintage 2022 (populations légales in force on 1 January 2025), while
`communes.json` carries `population`, vintage 2023 (in force on 1 January 2026). The sums the
domain checks rely on (Pays du Calaisis 152 282, Pays Boulonnais 157 976) are the 2022 ones.
So that a commune, its EPCI and any groupement add up, a commune takes the figure its EPCI
lists (vintage 2022); only a commune outside every EPCI (a few islands, none in
Hauts-de-France) takes the `communes.json` figure (vintage 2023).
"""

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

PACKAGE_NAME = "@etalab/decoupage-administratif"
DEFAULT_VERSION = "6.0.0"
FILES = ("regions.json", "departements.json", "epci.json", "communes.json")

# Etalab EPCI `type` → our EpciType value. MET69 is the Métropole de Lyon.
EPCI_TYPES = {"CA": "CA", "CC": "CC", "CU": "CU", "METRO": "METRO", "MET69": "METRO"}


@dataclass(frozen=True)
class Vintages:
    epci: int  # vintage of `populationMunicipale` in epci.json (EPCI and their members)
    commune: int  # vintage of `population` in communes.json


# Package version → population vintages (read off the sources listed in the package README).
KNOWN_VINTAGES = {"6.0.0": Vintages(epci=2022, commune=2023)}


class EtalabError(ValueError):
    """The folder cannot be read as Etalab data; the message is for the user (French)."""


@dataclass(frozen=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region_code: str


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    departement_code: str
    region_code: str
    population: int | None  # communes.json `population` (see the module docstring)


@dataclass(frozen=True)
class EpciMember:
    code: str  # INSEE code of the commune
    name: str
    population: int | None  # `populationMunicipale`


@dataclass(frozen=True)
class Epci:
    code: str  # SIREN
    name: str
    etalab_type: str  # CA, CC, CU, METRO, MET69
    population: int | None  # `populationMunicipale`
    members: tuple[EpciMember, ...]

    @property
    def epci_type(self) -> str:
        return EPCI_TYPES[self.etalab_type]


@dataclass(frozen=True)
class EtalabData:
    version: str
    regions: tuple[Region, ...]
    departements: tuple[Departement, ...]
    epcis: tuple[Epci, ...]
    communes: tuple[Commune, ...]
    version_assumed: bool = field(default=False, compare=False)

    @property
    def vintages(self) -> Vintages:
        return KNOWN_VINTAGES[self.version]

    @property
    def source_label(self) -> str:
        return f"Etalab découpage administratif {self.version}"

    def commune_populations(self) -> dict[str, tuple[int | None, int | None]]:
        """Commune code → (population municipale, vintage), as the module docstring explains."""
        populations: dict[str, tuple[int | None, int | None]] = {
            commune.code: (
                commune.population,
                self.vintages.commune if commune.population is not None else None,
            )
            for commune in self.communes
        }
        for epci in self.epcis:
            for member in epci.members:
                if member.population is not None:
                    populations[member.code] = (member.population, self.vintages.epci)
        return populations


def read_folder(path: str | Path) -> EtalabData:
    """Read the four JSON files of an Etalab folder (the package root or its `data/`)."""
    folder = Path(path)
    if not folder.is_dir():
        raise EtalabError(f"dossier introuvable : {folder}")
    data_dir = folder / "data" if (folder / "data" / "communes.json").is_file() else folder
    raw = {}
    for name in FILES:
        file = data_dir / name
        if not file.is_file():
            raise EtalabError(f"fichier manquant : {file}")
        try:
            raw[name] = json.loads(file.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise EtalabError(f"{name} : le fichier n'est pas en UTF-8 ({exc.reason})") from exc
        except json.JSONDecodeError as exc:
            raise EtalabError(
                f"{name} : JSON invalide ligne {exc.lineno}, colonne {exc.colno} ({exc.msg})"
            ) from exc
    version, assumed = _package_version(data_dir)
    return parse(raw, version=version, version_assumed=assumed)


def _package_version(data_dir: Path) -> tuple[str, bool]:
    for candidate in (data_dir / "package.json", data_dir.parent / "package.json"):
        if not candidate.is_file():
            continue
        try:
            package = json.loads(candidate.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise EtalabError(f"{candidate} : JSON invalide") from exc
        if not isinstance(package, dict) or package.get("name") != PACKAGE_NAME:
            continue  # some other project's package.json
        version = str(package.get("version", ""))
        if version not in KNOWN_VINTAGES:
            known = ", ".join(sorted(KNOWN_VINTAGES))
            raise EtalabError(
                f"version {version or '(vide)'} du découpage administratif non prise en charge :"
                f" millésimes de population inconnus (versions connues : {known})"
            )
        return version, False
    return DEFAULT_VERSION, True


def parse(raw: dict, *, version: str = DEFAULT_VERSION, version_assumed: bool = False):
    """Validate the decoded JSON of the four files and build an `EtalabData`."""
    regions = tuple(
        Region(code=_text(item, "code", where), name=_text(item, "nom", where))
        for item, where in _entries(raw, "regions.json")
    )
    departements = tuple(
        Departement(
            code=_text(item, "code", where),
            name=_text(item, "nom", where),
            region_code=_text(item, "region", where),
        )
        for item, where in _entries(raw, "departements.json")
    )
    communes = tuple(
        Commune(
            code=_text(item, "code", where),
            name=_text(item, "nom", where),
            departement_code=_text(item, "departement", where),
            region_code=_text(item, "region", where),
            population=_count(item, "population", where),
        )
        for item, where in _entries(raw, "communes.json")
        if _text(item, "type", where) == "commune-actuelle"
    )
    epcis = tuple(_epci(item, where) for item, where in _entries(raw, "epci.json"))
    for name, items in (
        ("regions.json", regions),
        ("departements.json", departements),
        ("epci.json", epcis),
        ("communes.json", communes),
    ):
        duplicates = sorted(code for code, n in Counter(i.code for i in items).items() if n > 1)
        if duplicates:
            raise EtalabError(f"{name} : code en double : {', '.join(duplicates)}")
    _check_members(epcis, communes)
    return EtalabData(
        version=version,
        regions=regions,
        departements=departements,
        epcis=epcis,
        communes=communes,
        version_assumed=version_assumed,
    )


def select_region(data: EtalabData, region_code: str) -> EtalabData:
    """The région, its départements and communes, and every EPCI with a member in it.

    An EPCI that straddles two régions comes whole: its members in the neighbouring région come
    too, so that its commune count and population stay whole.
    """
    regions = tuple(r for r in data.regions if r.code == region_code)
    if not regions:
        raise EtalabError(f"région {region_code} absente de la source")
    inside = {c.code for c in data.communes if c.region_code == region_code}
    epcis = tuple(e for e in data.epcis if any(m.code in inside for m in e.members))
    wanted = inside | {m.code for e in epcis for m in e.members}
    return replace(
        data,
        regions=regions,
        departements=tuple(d for d in data.departements if d.region_code == region_code),
        epcis=epcis,
        communes=tuple(c for c in data.communes if c.code in wanted),
    )


def _entries(raw: dict, name: str):
    items = raw.get(name)
    if not isinstance(items, list):
        raise EtalabError(f"{name} : une liste d'objets JSON est attendue")
    for index, item in enumerate(items, start=1):
        where = f"{name}, élément n° {index}"
        if not isinstance(item, dict):
            raise EtalabError(f"{where} : un objet JSON est attendu")
        yield item, where


def _text(item: dict, key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise EtalabError(f"{where} : champ « {key} » manquant ou vide")
    return value.strip()


def _count(item: dict, key: str, where: str) -> int | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise EtalabError(f"{where} : champ « {key} » : entier positif attendu")
    return value


def _epci(item: dict, where: str) -> Epci:
    code = _text(item, "code", where)
    where = f"{where} (EPCI {code})"
    etalab_type = _text(item, "type", where)
    if etalab_type not in EPCI_TYPES:
        raise EtalabError(f"{where} : type d'EPCI inconnu « {etalab_type} »")
    members = item.get("membres")
    if not isinstance(members, list) or not members:
        raise EtalabError(f"{where} : champ « membres » manquant ou vide")
    parsed = []
    for index, member in enumerate(members, start=1):
        member_where = f"{where}, membre n° {index}"
        if not isinstance(member, dict):
            raise EtalabError(f"{member_where} : un objet JSON est attendu")
        parsed.append(
            EpciMember(
                code=_text(member, "code", member_where),
                name=_text(member, "nom", member_where),
                population=_count(member, "populationMunicipale", member_where),
            )
        )
    return Epci(
        code=code,
        name=_text(item, "nom", where),
        etalab_type=etalab_type,
        population=_count(item, "populationMunicipale", where),
        members=tuple(parsed),
    )


def _check_members(epcis: tuple[Epci, ...], communes: tuple[Commune, ...]) -> None:
    known = {c.code for c in communes}
    epci_of: dict[str, str] = {}
    for epci in epcis:
        for member in epci.members:
            if member.code not in known:
                raise EtalabError(
                    f"epci.json : la commune {member.code}, membre de l'EPCI {epci.code},"
                    " est absente de communes.json"
                )
            if member.code in epci_of and epci_of[member.code] != epci.code:
                raise EtalabError(
                    f"epci.json : la commune {member.code} est membre de deux EPCI"
                    f" ({epci_of[member.code]} et {epci.code})"
                )
            epci_of[member.code] = epci.code
