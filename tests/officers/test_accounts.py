"""Officers invite chefs de projet and lecteurs, manage their accesses; every action is logged."""

import datetime
import html
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from cotri.officers import services
from cotri.officers.tokens import invitation_token_generator
from indicators.perms import contracts_reportable_by, contracts_visible_to
from tests.espace.test_proconnect import _sign_in

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/espace/invitation/[^\s]+/)")


def _invite(client, contract, *, email="Marie.Durand@Calaisis.fr", role="chef_de_projet"):
    return client.post(
        reverse("officers:invite"),
        {
            "email": email,
            "first_name": "Marie",
            "last_name": "Durand",
            "territory": contract.territory.pk,
            "role": role,
        },
    )


def _link(mail) -> str:
    return LINK.search(mail.body).group(1)


def test_an_officer_invites_a_chef_who_chooses_a_password_and_reports(
    client, officer, contract_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, contract_a)
    assert response.status_code == 302
    user = ProjectMembership.objects.get(territory=contract_a.territory).user
    assert (user.username, user.email, user.has_usable_password()) == (
        "marie.durand@calaisis.fr",
        "marie.durand@calaisis.fr",
        False,
    )
    assert [m.to for m in mailoutbox] == [["marie.durand@calaisis.fr"]]
    mail = mailoutbox[0]
    assert "Votre accès à cotri : chef de projet de" in mail.subject
    assert "choisir votre mot de passe" in mail.body and "valable 7 jours" in mail.body

    client.logout()
    link = _link(mail)
    form_page = client.get(link, follow=True)
    assert "Bienvenue sur cotri" in form_page.text
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {
            "new_password1": "Un mot de passe solide 2026",
            "new_password2": "Un mot de passe solide 2026",
        },
    )
    assert done.status_code == 302 and done.url == reverse("espace:home")
    user.refresh_from_db()
    assert user.has_usable_password()
    assert list(contracts_reportable_by(user)) == [contract_a]
    # Signed in, and the link is dead: it served once.
    assert client.get(reverse("espace:home")).status_code == 200
    client.logout()
    assert "n’est plus valable" in client.get(link, follow=True).text
    log = LogEntry.objects.get(object_id=str(user.pk))
    assert (log.user, log.get_change_message()) == (
        officer,
        f"Invitation envoyée : Chef de projet de {contract_a.territory.name}.",
    )


def test_resending_kills_the_previous_link(
    client, officer, contract_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.account_invite(
            email="lea@example.org",
            first_name="Léa",
            last_name="Martin",
            territory=contract_a.territory,
            role=MembershipRole.READER,
            by=officer,
        )
    first = _link(mailoutbox[0])
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("officers:resend", args=[user.pk]), follow=True)
    assert "Invitation renvoyée à lea@example.org." in response.text
    second = _link(mailoutbox[1])
    assert first != second
    client.logout()
    assert "n’est plus valable" in client.get(first, follow=True).text
    assert "Enregistrer mon mot de passe" in client.get(second, follow=True).text
    assert LogEntry.objects.filter(object_id=str(user.pk)).count() == 2


def test_the_link_expires_after_the_configured_days(settings, officer, contract_a):
    settings.COTRI_INVITATION_DAYS = 3
    user = services.account_invite(
        email="a@example.org",
        first_name="A",
        last_name="B",
        territory=contract_a.territory,
        role=MembershipRole.PROJECT_LEAD,
        by=officer,
    )
    token = invitation_token_generator.make_token(user)
    now = invitation_token_generator._now()
    for hours, valid in ((0, True), (71, True), (73, False), (24 * 30, False)):
        invitation_token_generator._now = lambda h=hours: now + datetime.timedelta(hours=h)
        try:
            assert invitation_token_generator.check_token(user, token) is valid, hours
        finally:
            del invitation_token_generator._now


def test_a_password_reset_token_does_not_open_an_invitation(officer, contract_a):
    from django.contrib.auth.tokens import default_token_generator

    user = services.account_invite(
        email="a@example.org",
        first_name="A",
        last_name="B",
        territory=contract_a.territory,
        role=MembershipRole.PROJECT_LEAD,
        by=officer,
    )
    assert not invitation_token_generator.check_token(
        user, default_token_generator.make_token(user)
    )
    assert not default_token_generator.check_token(
        user, invitation_token_generator.make_token(user)
    )


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("pas-une-adresse", "Saisissez une adresse de courriel valide."),
        ("CHEFA@example.org", "chefa@example.org a déjà un accès à"),
        ("agent@example.org", "Ce compte est celui d'un agent"),
    ],
)
def test_refused_invitations_say_why_and_save_nothing(
    client, officer, chef_a, contract_a, email, message
):
    client.force_login(officer)
    before = (ProjectMembership.objects.count(), LogEntry.objects.count())
    response = _invite(client, contract_a, email=email)
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert (ProjectMembership.objects.count(), LogEntry.objects.count()) == before


def test_an_existing_account_gets_the_new_access_without_a_new_password(
    officer, chef_a, contract_b, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.account_invite(
            email="chefa@example.org",
            first_name="",
            last_name="",
            territory=contract_b.territory,
            role=MembershipRole.READER,
            by=officer,
        )
    assert mailoutbox == []  # chef_a already has a password: nothing to choose
    assert set(contracts_visible_to(chef_a)) == {contract_b, *contracts_reportable_by(chef_a)}
    assert LogEntry.objects.get().get_change_message().startswith("Accès ajouté : Lecteur de")


def test_role_change_removal_and_deactivation_take_effect_and_are_logged(
    client, officer, chef_a, contract_a
):
    membership = ProjectMembership.objects.get(user=chef_a)
    client.force_login(officer)
    client.post(reverse("officers:membership_role", args=[membership.pk]), {"role": "lecteur"})
    assert list(contracts_reportable_by(chef_a)) == []
    assert list(contracts_visible_to(chef_a)) == [contract_a]

    client.post(reverse("officers:membership_remove", args=[membership.pk]))
    assert list(contracts_visible_to(chef_a)) == []

    client.post(reverse("officers:account_active", args=[chef_a.pk]), {"active": "0"})
    chef_a.refresh_from_db()
    assert not chef_a.is_active
    messages = [e.get_change_message() for e in LogEntry.objects.order_by("pk")]
    assert messages == [
        f"Rôle changé sur {contract_a.territory.name} : Chef de projet → Lecteur.",
        f"Accès retiré : Lecteur de {contract_a.territory.name}.",
        "Compte désactivé.",
    ]
    page = client.get(reverse("officers:accounts"))
    assert "Compte désactivé." in page.text and "Accès retiré" in page.text


def test_a_deactivated_chef_is_signed_out_at_the_next_request(client, officer, chef_a):
    client.force_login(chef_a)
    assert client.get(reverse("espace:home")).status_code == 200
    services.account_set_active(user=chef_a, active=False, by=officer)
    assert client.get(reverse("espace:home")).status_code == 302


def test_officers_cannot_manage_other_officers_accounts(client, officer, superuser):
    client.force_login(officer)
    response = client.post(reverse("officers:account_active", args=[superuser.pk]), {"active": "0"})
    assert response.status_code == 404
    with pytest.raises(ValidationError, match="celui d'un agent"):
        services.account_set_active(user=superuser, active=False, by=officer)


def test_the_accounts_page_lists_members_per_territory_with_pending_invitations(
    client, officer, chef_a, reader_a, contract_a
):
    services.account_invite(
        email="nouveau@example.org",
        first_name="Nouveau",
        last_name="Chef",
        territory=contract_a.territory,
        role=MembershipRole.PROJECT_LEAD,
        by=officer,
    )
    client.force_login(officer)
    page = client.get(reverse("officers:accounts"), {"q": contract_a.territory.name}).text
    assert page.count("Renvoyer l’invitation") == 1  # only the one who never chose a password
    for email in ("chefa@example.org", "lecteura@example.org", "nouveau@example.org"):
        assert email in page
    assert "invitation en attente" in page


def test_proconnect_sign_in_of_an_invited_address_uses_that_account(
    client, officer, contract_a, proconnect
):
    user = services.account_invite(
        email="agent.territorial@calaisis.fr",
        first_name="A",
        last_name="T",
        territory=contract_a.territory,
        role=MembershipRole.PROJECT_LEAD,
        by=officer,
    )
    token = invitation_token_generator.make_token(user)
    _sign_in(client, proconnect, "Agent.Territorial@calaisis.fr")
    assert int(client.session["_auth_user_id"]) == user.pk
    user.refresh_from_db()
    assert not invitation_token_generator.check_token(user, token)  # signed in: link spent
