"""Who sees and reports on which contracts: officers only through the officers' group, never an
inactive or anonymous account, members only on their own territory (the neighbour proves it)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from contracts.perms import (
    can_report_on_contract,
    can_view_contract,
    contracts_reportable_by,
    contracts_visible_to,
    is_officer,
)
from indicators.perms import contracts_editable_by
from tests.espace.conftest import _member
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(neighbour):
    return ContractFactory(reference="COT-PROPRE")


def test_staff_of_another_group_is_no_officer_and_sees_no_contract(neighbour, own):
    staff = neighbour.staff_other_group

    assert not is_officer(staff)
    assert list(contracts_visible_to(staff)) == []
    assert not can_view_contract(staff, neighbour.contract)


def test_an_officer_sees_every_contract_but_reports_on_none(officer, neighbour, own):
    assert is_officer(officer)
    assert set(contracts_visible_to(officer)) == {own, neighbour.contract}
    assert list(contracts_reportable_by(officer)) == []


@pytest.mark.parametrize("who", ["inactive_officer", "inactive_chef"])
def test_an_inactive_account_sees_and_reports_nothing(neighbour, who):
    user = getattr(neighbour, who)

    assert not is_officer(user)
    assert list(contracts_visible_to(user)) == []
    assert list(contracts_reportable_by(user)) == []
    assert not can_report_on_contract(user, neighbour.contract)


def test_an_inactive_superuser_is_no_officer(django_user_model):
    user = django_user_model.objects.create_superuser("ancien", "ancien@example.org", "x")
    user.is_active = False
    user.save()

    assert not is_officer(user)
    assert list(contracts_visible_to(user)) == []


@pytest.mark.parametrize("user", [AnonymousUser(), None], ids=["anonymous", "no-user"])
def test_anonymous_or_no_user_sees_nothing(neighbour, user):
    # None: no account at all (a task, the import command without --as); nothing, not a crash.
    assert not is_officer(user)
    assert list(contracts_visible_to(user)) == []
    assert list(contracts_reportable_by(user)) == []
    assert not can_view_contract(user, neighbour.contract)
    assert not can_report_on_contract(user, neighbour.contract)


def test_a_superuser_sees_every_contract_without_the_officers_group(superuser, neighbour, own):
    assert not superuser.groups.exists()
    assert is_officer(superuser)
    assert set(contracts_visible_to(superuser)) == {own, neighbour.contract}
    assert can_view_contract(superuser, neighbour.contract)
    assert list(contracts_reportable_by(superuser)) == []


def test_a_chef_sees_and_reports_on_their_territory_only(django_user_model, neighbour, own):
    chef = _member(django_user_model, "chef-propre", own.territory, "chef_de_projet")

    assert list(contracts_visible_to(chef)) == [own]
    assert list(contracts_reportable_by(chef)) == [own]
    assert not can_view_contract(chef, neighbour.contract)
    assert list(contracts_reportable_by(neighbour.chef)) == [neighbour.contract]


def test_a_reader_sees_their_territory_but_reports_on_nothing(django_user_model, neighbour, own):
    reader = _member(django_user_model, "lecteur-propre", own.territory, MembershipRole.READER)

    assert list(contracts_visible_to(reader)) == [own]
    assert can_view_contract(reader, own)
    assert list(contracts_reportable_by(reader)) == []
    assert not can_report_on_contract(reader, own)
    assert not can_view_contract(reader, neighbour.contract)


def test_a_member_of_two_territories_sees_both_and_reports_where_chef_only(
    django_user_model, neighbour, own
):
    user = _member(
        django_user_model, "double-casquette", own.territory, MembershipRole.PROJECT_LEAD
    )
    ProjectMembership.objects.create(
        user=user, territory=neighbour.contract.territory, role=MembershipRole.READER
    )

    assert set(contracts_visible_to(user)) == {own, neighbour.contract}
    assert list(contracts_reportable_by(user)) == [own]
    assert can_report_on_contract(user, own)
    assert not can_report_on_contract(user, neighbour.contract)


def test_the_contracts_whose_progress_a_chef_may_enter_are_their_territorys(
    django_user_model, officer, neighbour, own
):
    """The ids the import and the home page compare with a contract's id: chefs only."""
    chef = _member(django_user_model, "chef-propre", own.territory, MembershipRole.PROJECT_LEAD)
    reader = _member(django_user_model, "lecteur-propre", own.territory, MembershipRole.READER)

    assert contracts_editable_by(chef) == {own.pk}
    assert contracts_editable_by(neighbour.chef) == {neighbour.contract.pk}
    assert contracts_editable_by(reader) == set()
    assert contracts_editable_by(officer) == set()
    assert contracts_editable_by(neighbour.inactive_chef) == set()
