"""Issue 10 item 8: configuration errors never reach the public (fiche, PDF, API, open data);
officers see them when they save the contract and in the evaluation list."""

import html
import subprocess

import pytest
from django.core.cache import cache
from django.urls import reverse

from cotri.public.fiche import load_fiche
from cotri.public.pdf import fiche_pdf_bytes
from funding.evaluations import contract_evaluate
from tests.factories import ContractFactory, IndicatorFactory, ObjectiveFactory
from tests.funding.evaluation_builders import calaisis_contract

pytestmark = pytest.mark.django_db
NEUTRAL = "évaluation du bonus non disponible"


def _one_priority_for_three(**kwargs):
    """The issue's case: a new contract with one priority objective for a rule expecting 3."""
    contract = ContractFactory(reference="COT-NOUVEAU", bonus_priority_count=3, **kwargs)
    objective = ObjectiveFactory(contract=contract, code="O1", priority=True)
    IndicatorFactory(objective=objective, code="i1")
    return contract


MISCONFIGURED = [
    _one_priority_for_three,
    lambda: calaisis_contract(population=None),
    lambda: calaisis_contract(bonus_priority_count=4),
]


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.mark.parametrize("build", MISCONFIGURED)
def test_the_public_fiche_reads_a_neutral_sentence(client, build):
    contract = build()
    evaluation = contract_evaluate(contract=contract)
    assert evaluation.status == "configuration_error"

    page = _text(client.get(f"/fiches/{contract.reference}/"))

    assert NEUTRAL in page
    assert "Erreur de configuration" not in page
    for error in evaluation.errors:
        assert error["message"] not in page


def test_a_sound_evaluation_still_shows_its_verdict(client):
    contract = calaisis_contract()
    contract_evaluate(contract=contract)
    page = _text(client.get(f"/fiches/{contract.reference}/"))
    assert "Non éligible" in page
    assert NEUTRAL not in page


def test_the_fiche_pdf_reads_the_neutral_sentence(tmp_path):
    contract = _one_priority_for_three()
    contract_evaluate(contract=contract)
    path = tmp_path / "fiche.pdf"
    path.write_bytes(fiche_pdf_bytes(load_fiche(contract)))

    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout

    assert NEUTRAL in " ".join(text.split())
    assert "configuration" not in text


def test_the_public_evaluations_export_hides_the_errors(client, officer):
    contract = calaisis_contract(population=None)
    evaluation = contract_evaluate(contract=contract)
    url = "/api/exports/evaluations?format=csv"

    public = client.get(url).getvalue().decode("utf-8-sig")
    assert "unavailable" in public
    assert "Évaluation du bonus non disponible" in public
    assert evaluation.errors[0]["message"] not in public
    client.force_login(officer)
    officers = client.get(url).getvalue().decode("utf-8-sig")
    assert "configuration_error" in officers
    assert evaluation.errors[0]["message"] in officers


def _resubmit(response) -> dict:
    """The admin change form as the page shows it, ready to be posted back unchanged."""
    data = {}

    def add(bound):
        value = bound.value()
        if value is True:
            data[bound.html_name] = "on"
        elif value is not None and value is not False:
            data[bound.html_name] = str(value.pk if hasattr(value, "pk") else value)

    for bound in response.context["adminform"].form:
        add(bound)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            add(bound)
        for form in formset.forms:
            for bound in form:
                add(bound)
    return data


@pytest.mark.parametrize(
    ("build", "warned"),
    [
        (_one_priority_for_three, True),
        (lambda: calaisis_contract(population=None), True),
        (calaisis_contract, False),
    ],
)
def test_saving_a_misconfigured_contract_warns_the_officer(admin_client, build, warned):
    contract = build()
    url = reverse("admin:contracts_contract_change", args=[contract.pk])

    response = admin_client.post(url, _resubmit(admin_client.get(url)), follow=True)

    assert response.redirect_chain, _text(response)[:3000]
    messages = [str(m) for m in response.context["messages"]]
    warning = [m for m in messages if m.startswith("Erreur de configuration")]
    assert bool(warning) is warned, messages
    if warned:
        assert contract.reference in warning[0]


def test_the_evaluation_list_shows_the_errors_to_officers(admin_client):
    contract = calaisis_contract(population=None)
    evaluation = contract_evaluate(contract=contract)
    page = _text(admin_client.get(reverse("admin:funding_evaluation_changelist")))
    assert evaluation.errors[0]["message"] in page
