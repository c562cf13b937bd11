"""Issue 10 item 5: the rate with pending values is its own figure, not the straight line."""

import datetime
import re
from decimal import Decimal

import pytest

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from funding.evaluations import contract_evaluate, evaluation_to_json
from indicators.enums import EntryStatus
from indicators.rules import EntryValue, IndicatorSpec, indicator_level_with_pending
from tests.funding.evaluation_builders import calaisis_contract, entry, indicator_of

D = Decimal
AS_OF = datetime.date(2023, 12, 31)


def _spec(accumulation, target="1500"):
    return IndicatorSpec("x", "quantity", "increase", accumulation, D("0"), D(target))


@pytest.mark.parametrize(
    ("accumulation", "entries", "expected"),
    [
        # sum: the submitted values are added to the validated ones
        ("sum", [("1220", "validated"), ("47.5", "submitted")], D("1267.5")),
        ("sum", [("1220", "validated")], D("1220")),
        ("sum", [("10", "submitted"), ("5", "submitted")], D("15")),
        # a draft or a returned value is never counted
        ("sum", [("100", "validated"), ("30", "draft"), ("40", "returned")], D("100")),
    ],
)
def test_level_with_pending_sum(accumulation, entries, expected):
    values = [EntryValue(D(v), AS_OF, EntryStatus(s)) for v, s in entries]
    assert indicator_level_with_pending(_spec(accumulation), values, AS_OF) == expected


def test_level_with_pending_latest_takes_the_later_value_whatever_its_status():
    validated = EntryValue(D("30"), datetime.date(2023, 6, 30), EntryStatus.VALIDATED)
    later = EntryValue(D("40"), datetime.date(2023, 9, 30), EntryStatus.SUBMITTED)
    earlier = EntryValue(D("20"), datetime.date(2023, 3, 31), EntryStatus.SUBMITTED)
    spec = _spec("latest", "50")
    assert indicator_level_with_pending(spec, [validated, later], AS_OF) == D("40")
    assert indicator_level_with_pending(spec, [validated, earlier], AS_OF) == D("30")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pending", "with_pending"),
    [("47.5", "0.8450"), ("35", "0.8366"), ("280", "1.0000"), ("", "0.8133")],
)
def test_evaluation_json_has_both_figures(pending, with_pending):
    contract = calaisis_contract(pending=pending)
    data = evaluation_to_json(contract_evaluate(contract=contract, as_of=AS_OF))
    o1 = data["objectives"][0]
    assert o1["rate"] == "0.8133"
    assert o1["projected_rate"] == "0.8133"  # at the end, the straight line is the rate
    assert o1["rate_with_pending"] == with_pending
    assert o1["indicators"][0]["rate_with_pending"] == with_pending


@pytest.mark.django_db
def test_straight_line_and_pending_differ_before_the_end():
    """Mid-contract the straight line extrapolates the pace; the pending rate does not."""
    contract = calaisis_contract(renovations=("420",), pending="")
    renovations = indicator_of(contract, "renovations")
    entry(renovations, "300", on=datetime.date(2022, 6, 30), status=EntryStatus.SUBMITTED)
    data = evaluation_to_json(contract_evaluate(contract=contract, as_of=datetime.date(2022, 1, 1)))
    o1 = data["objectives"][0]
    assert o1["rate"] == "0.2800"  # 420 / 1500
    assert o1["rate_with_pending"] == "0.2800"  # the submitted value is dated after as_of
    assert o1["projected_rate"] == "0.8392"  # 0.28 × 1095 days / 365 days


@pytest.mark.django_db
def test_chef_reads_the_rate_with_pending_under_its_name(client, django_user_model):
    contract = calaisis_contract(pending="47.5")
    chef = django_user_model.objects.create_user("chef", password="mot-de-passe-chef")
    ProjectMembership.objects.create(
        user=chef, territory=contract.territory, role=MembershipRole.PROJECT_LEAD
    )
    client.force_login(chef)
    html = client.get(f"/espace/contrats/{contract.reference}/").content.decode()
    text = re.sub(r"[ \t\n]+", " ", html)
    label = r"Taux avec les saisies en attente \(si elles sont validées\) : <strong>84,5\s%"
    assert re.search(label, text)
    assert "projection linéaire à la fin du contrat" in text
    assert "projection avec les saisies en attente" not in text
