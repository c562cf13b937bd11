"""``import_contract`` and ``export_contract``."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Contract
from indicators.models import Objective
from tests.contracts.conftest import DATA, as_json, read_document


def run(command: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(command: str, *args) -> str:
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(command, *args, stdout=StringIO(), stderr=err)
    assert exit_.value.code == 1
    return err.getvalue()


def saved(neighbour) -> tuple[bool, bool]:
    """Whether any contract, any objective exists besides the neighbour's."""
    contracts = Contract.objects.exclude(pk=neighbour.contract.pk)
    objectives = Objective.objects.exclude(contract=neighbour.contract)
    return contracts.exists(), objectives.exists()


@pytest.fixture
def write(tmp_path):
    def write(name: str, document: dict | str) -> str:
        path = tmp_path / name
        text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_import_prints_a_french_summary(calaisis_epcis, officer, neighbour):
    out, err = run("import_contract", str(DATA / "calaisis.json"), "--as", "agent")
    assert out == "COTTRI-2021-CALAISIS : créé (1 objectif, 1 indicateur, 2 tranches)\n"
    assert err == ""
    contract = Contract.objects.exclude(pk=neighbour.contract.pk).get()
    assert contract.reference == "COTTRI-2021-CALAISIS"
    assert contract.history.latest().history_user == officer

    out, _ = run("import_contract", str(DATA / "calaisis.json"))
    assert out == "COTTRI-2021-CALAISIS : mis à jour (1 objectif, 1 indicateur, 2 tranches)\n"
    neighbour.assert_unchanged()


def test_import_errors_exit_1_with_one_line_each_and_save_nothing(calaisis, write, neighbour):
    good = write("calaisis.json", calaisis)
    calaisis["reference"] = "COTTRI-2021-AUTRE"
    calaisis["objectives"][0]["incontournable"] = 16
    calaisis["objectives"][0]["indicators"][0]["target"] = "-3"
    bad = write("autre.json", calaisis)

    err = run_failing("import_contract", good, bad)

    assert err.splitlines() == [
        "autre.json: $.objectives[0].indicators[0].target : valeur négative interdite (« -3 »)",
    ]
    assert saved(neighbour) == (False, False)
    calaisis["objectives"][0]["indicators"][0]["target"] = "1500"
    err = run_failing("import_contract", good, write("autre.json", calaisis))
    assert err.splitlines() == [
        "autre.json: $.objectives[0].incontournable : "
        "l'incontournable 16 n'existe pas dans le programme COT-TRI",
    ]
    assert saved(neighbour) == (False, False)
    neighbour.assert_unchanged()


def test_unreadable_files_are_reported_with_the_others(calaisis, write, tmp_path, neighbour):
    calaisis["colour"] = "vert"
    err = run_failing(
        "import_contract",
        write("cassé.json", '{"reference": '),
        str(tmp_path / "absent.json"),
        write("calaisis.json", calaisis),
    )
    lines = err.splitlines()
    assert lines[0].startswith("cassé.json: JSON invalide (ligne 1, colonne 15)")
    assert lines[1].startswith("absent.json: fichier illisible")
    assert lines[2] == "calaisis.json: $.colour : clé inconnue"
    assert saved(neighbour) == (False, False)


def test_import_as_unknown_user(calaisis_epcis):
    with pytest.raises(CommandError, match="Utilisateur inconnu : « personne »"):
        run("import_contract", str(DATA / "calaisis.json"), "--as", "personne")


def test_export_writes_utf8_json_that_imports_back(calaisis_epcis, tmp_path):
    run("import_contract", str(DATA / "calaisis.json"))
    target = tmp_path / "export.json"

    run("export_contract", "COTTRI-2021-CALAISIS", "-o", str(target))

    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert "rénovations" in text  # ensure_ascii=False
    assert text.startswith('{\n  "reference": "COTTRI-2021-CALAISIS",\n')
    assert as_json(json.loads(text)) == as_json(read_document("calaisis.json"))
    out, _ = run("import_contract", str(target))
    assert out.startswith("COTTRI-2021-CALAISIS : mis à jour")


def test_export_to_stdout(calaisis_epcis, neighbour):
    run("import_contract", str(DATA / "calaisis.json"))
    out, _ = run("export_contract", "COTTRI-2021-CALAISIS")
    assert json.loads(out)["holder"] == "SyMPaC"
    assert out.endswith("}\n")
    neighbour.assert_absent(out)


def test_export_unknown_reference(db):
    with pytest.raises(CommandError, match="Contrat inconnu : « COTTRI-0000-NULLE-PART »"):
        run("export_contract", "COTTRI-0000-NULLE-PART")
