"""Reminder e-mails: when, to whom, grouped, at most one per person per day, opt-out."""

import datetime

import pytest
from django.core import mail

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from indicators.enums import EntryStatus
from reporting.models import ReminderPreference, SentReminder
from reporting.reminders import reminder_kind, reminders_send
from reporting.services import campaign_close, campaign_open, report_submit
from reporting.tasks import send_reminders
from tests.factories import ProgressEntryFactory
from tests.reporting.conftest import report_of

pytestmark = pytest.mark.django_db
D = datetime.date
DUE = D(2023, 1, 31)


@pytest.mark.parametrize(
    ("today", "days_before", "kind"),
    [
        (D(2023, 1, 17), 14, "before"),
        (D(2023, 1, 18), 14, None),
        (D(2023, 1, 16), 14, None),
        (D(2023, 1, 24), 7, "before"),
        (D(2023, 1, 31), 14, "due"),
        (D(2023, 2, 1), 14, None),
        (D(2023, 2, 7), 14, "late"),
        (D(2023, 2, 14), 14, "late"),
        (D(2023, 2, 10), 14, None),
    ],
)
def test_when_a_report_is_reminded(today, days_before, kind):
    assert reminder_kind(due_on=DUE, today=today, days_before=days_before) == kind


def _to(email):
    return [m for m in mail.outbox if m.to == [email]]


#: The officers' daily digest of the neighbour's submitted entry: officers validate the entries
#: of every territory, so it is sent whatever the campaign, one a day.
DIGEST = 1


def test_fourteen_days_before_each_chef_gets_one_email_and_only_once_that_day(
    campaign, chef_a, chef_b, officer, neighbour
):
    run = reminders_send(today=D(2023, 1, 17))

    assert run.sent == 2 + DIGEST
    assert _to(neighbour.chef.email) == []  # the neighbour's contract is in no campaign
    (message,) = _to(chef_a.email)
    assert message.subject == "cotri : rapport « Bilan annuel 2022 » à remettre"
    assert "à remettre d'ici le 31/01/2023, dans 14 jours" in message.body
    url = f"/espace/campagnes/{campaign.pk}/contrats/COT-A/"
    assert url in message.body
    assert "COT-B" not in message.body
    assert SentReminder.objects.filter(user=chef_a, day=D(2023, 1, 17)).exists()

    again = reminders_send(today=D(2023, 1, 17))
    assert (again.sent, again.already_sent) == (0, 2 + DIGEST)
    assert len(mail.outbox) == 2 + DIGEST


def test_no_reminder_the_day_after_nor_once_submitted(campaign, contract_a, chef_a, chef_b):
    assert reminders_send(today=D(2023, 1, 18)).sent == DIGEST
    report_submit(report=report_of(campaign, contract_a), by=chef_a)

    reminders_send(today=DUE)

    assert _to(chef_a.email) == []
    assert "aujourd'hui, 31/01/2023" in _to(chef_b.email)[0].body


def test_weekly_while_late_and_nothing_once_the_campaign_is_closed(campaign, chef_a, officer):
    reminders_send(today=D(2023, 2, 7))
    assert "en retard : la date limite était le 31/01/2023" in _to(chef_a.email)[0].body
    campaign_close(campaign=campaign, by=officer)
    assert reminders_send(today=D(2023, 2, 14)).recipients == [officer.email]  # the digest only


def test_one_email_a_day_groups_every_report_of_a_chef(campaign, officer, chef_a, contract_a):
    campaign_open(
        name="Rapport de phase",
        contracts=[contract_a],
        period_start=D(2022, 1, 1),
        period_end=D(2022, 6, 30),
        due_on=DUE,
        by=officer,
    )

    reminders_send(today=DUE)

    (message,) = _to(chef_a.email)
    assert message.subject == "cotri : 2 rapports à remettre"
    assert "Bilan annuel 2022" in message.body and "Rapport de phase" in message.body


def test_a_chef_who_turned_reminders_off_gets_none(campaign, chef_a, chef_b):
    ReminderPreference.objects.create(user=chef_a, reminders_enabled=False)

    run = reminders_send(today=DUE)

    assert (run.sent, run.opted_out) == (1 + DIGEST, 1)
    assert _to(chef_a.email) == []


def test_readers_and_inactive_chefs_get_nothing(campaign, contract_a, chef_a, reader_a):
    chef_a.is_active = False
    chef_a.save()
    reminders_send(today=DUE)
    assert _to(chef_a.email) == [] and _to(reader_a.email) == []


# Nothing awaits the officers only in a database without the neighbour's submitted entry.
@pytest.mark.no_neighbour
def test_officers_get_a_daily_digest_only_when_something_awaits(
    campaign, contract_a, chef_a, officer, django_user_model
):
    day = D(2023, 1, 20)  # no chef is reminded that day
    assert reminders_send(today=day).sent == 0

    report_submit(report=report_of(campaign, contract_a), by=chef_a, message="Complet")
    run = reminders_send(today=day)

    assert run.recipients == [officer.email]
    (message,) = _to(officer.email)
    assert message.subject == "cotri : 1 rapport de campagne à valider"
    assert "COT-A" in message.body and "tableaux de complétude" in message.body
    assert reminders_send(today=day).sent == 0


def test_the_beat_task_uses_todays_paris_date(campaign, chef_a, time_machine_paris):
    result = send_reminders.delay().get()
    assert result["sent"] >= 1
    assert SentReminder.objects.filter(user=chef_a, day=D(2023, 1, 17)).exists()


@pytest.fixture
def time_machine_paris(monkeypatch):
    """23:30 UTC on 16/01/2023 is already 17/01 in Paris."""
    from django.utils import timezone

    moment = datetime.datetime(2023, 1, 16, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_chef_of_two_territories(campaign, chef_a, contract_b):
    ProjectMembership.objects.create(
        user=chef_a, territory=contract_b.territory, role=MembershipRole.PROJECT_LEAD
    )
    reminders_send(today=DUE)
    (message,) = _to(chef_a.email)
    assert "COT-A" in message.body and "COT-B" in message.body


def test_officers_are_told_about_submitted_entries_too(
    campaign, indicator_a, officer, chef_a, neighbour
):
    ProgressEntryFactory(indicator=indicator_a, date=D(2022, 5, 1), status=EntryStatus.SUBMITTED)
    ProgressEntryFactory(indicator=indicator_a, date=D(2022, 6, 1), status=EntryStatus.SUBMITTED)

    reminders_send(today=D(2023, 1, 20))

    (message,) = _to(officer.email)
    # Contract A's two and the neighbour's one: officers validate every territory's entries.
    assert message.subject == "cotri : 3 saisies d'avancement à valider"
    assert "3 saisies d'avancement soumises attendent votre validation" in message.body
    assert "/espace/validation/" in message.body
    assert _to(chef_a.email) == []  # chefs are not told about the officers' queue
    assert _to(neighbour.chef.email) == []
    # Nor staff of another group, nor an inactive officer.
    assert _to(neighbour.staff_other_group.email) == []
    assert _to(neighbour.inactive_officer.email) == []
