"""Writes on the accounts of chefs de projet and lecteurs, made by officers; each is logged.

Every function is atomic, takes keyword arguments, raises ``ValidationError`` with a French
message when the action is refused, and writes one Django admin ``LogEntry`` on the account
(who acted, when, what: « Invitation envoyée pour Pays du Calaisis (Chef de projet) »), which
the accounts page lists. E-mails leave after the commit.
"""

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from cotri.officers.tokens import invitation_token_generator

User = get_user_model()


def invitation_path(*, user) -> str:
    """The path of the user's current one-time link: /espace/invitation/<uid>/<token>/."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token_generator.make_token(user)
    return reverse("invitation_accept", args=[uid, token])


def _log(*, by, user, flag: int, message: str) -> None:
    LogEntry.objects.log_actions(
        by.pk, User.objects.filter(pk=user.pk), flag, change_message=message, single_object=True
    )


def _send_invitation(*, user, territory, role: str, by) -> None:
    context = {
        "user": user,
        "territory": territory,
        "role": MembershipRole(role).label,
        "by": by,
        "url": f"{settings.SITE_URL.rstrip('/')}{invitation_path(user=user)}",
        "days": int(getattr(settings, "COTRI_INVITATION_DAYS", 7)),
        "username": user.get_username(),
    }
    subject = render_to_string("emails/invitation_subject.txt", context).strip()
    body = render_to_string("emails/invitation_body.txt", context)
    recipient = [user.email]
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipient))


def _refuse_staff(user) -> None:
    if user.is_staff or user.is_superuser:
        raise ValidationError(
            "Ce compte est celui d'un agent : il se gère dans « Utilisateurs » de "
            "l'administration, par un administrateur."
        )


@transaction.atomic
def account_invite(*, email: str, first_name: str, last_name: str, territory, role: str, by):
    """Invite someone to report (chef de projet) or read (lecteur) a territory's contracts.

    A new address gets an account with no usable password (user name = the address in lower
    case) and an e-mail with a one-time link to choose it. A known address gets the access; if
    that person never chose a password, the invitation leaves again (a new link).
    Returns the user. Errors (French): invalid address, unknown role, access already given,
    deactivated account, agent's account.
    """
    email = (email or "").strip().lower()
    validate_email(email)
    if role not in MembershipRole.values:
        raise ValidationError(f"Rôle inconnu : « {role} ».")
    matches = list(User.objects.select_for_update().filter(email__iexact=email))
    if len(matches) > 1:
        raise ValidationError(
            f"Plusieurs comptes utilisent l'adresse {email} : corrigez-les dans « Utilisateurs »."
        )
    if matches:
        user = matches[0]
        _refuse_staff(user)
        if not user.is_active:
            raise ValidationError(
                f"Le compte de {email} est désactivé : réactivez-le avant de lui donner un accès."
            )
        if ProjectMembership.objects.filter(user=user, territory=territory).exists():
            raise ValidationError(f"{email} a déjà un accès à {territory.name}.")
        created = False
    else:
        user = User(
            username=email[:150],
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        user.set_unusable_password()
        user.save()
        created = True
    ProjectMembership.objects.create(user=user, territory=territory, role=role)
    label = MembershipRole(role).label
    if created or not user.has_usable_password():
        _send_invitation(user=user, territory=territory, role=role, by=by)
        message = f"Invitation envoyée : {label} de {territory.name}."
    else:
        message = f"Accès ajouté : {label} de {territory.name}."
    _log(by=by, user=user, flag=ADDITION if created else CHANGE, message=message)
    return user


@transaction.atomic
def invitation_resend(*, user, by) -> None:
    """Send the invitation again with a new link; the previous link stops working.

    Refused when the person already chose a password (they use « mot de passe oublié »), when
    the account is deactivated, or when they have no access to invite them to.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    _refuse_staff(user)
    if not user.is_active:
        raise ValidationError("Ce compte est désactivé : réactivez-le d'abord.")
    if user.has_usable_password():
        raise ValidationError(
            f"{user.email} a déjà choisi son mot de passe : s'il l'a oublié, il utilise "
            "« Mot de passe oublié » sur la page de connexion."
        )
    membership = ProjectMembership.objects.filter(user=user).select_related("territory").first()
    if membership is None:
        raise ValidationError("Ce compte n'a aucun accès : invitez-le sur un territoire.")
    user.set_unusable_password()  # a new random marker: the old link's hash no longer matches
    user.save(update_fields=["password"])
    _send_invitation(user=user, territory=membership.territory, role=membership.role, by=by)
    _log(by=by, user=user, flag=CHANGE, message="Invitation renvoyée (l'ancien lien ne vaut plus).")


@transaction.atomic
def membership_set_role(*, membership: ProjectMembership, role: str, by) -> ProjectMembership:
    """Change the role of one access (chef de projet ↔ lecteur)."""
    if role not in MembershipRole.values:
        raise ValidationError(f"Rôle inconnu : « {role} ».")
    membership = (
        ProjectMembership.objects.select_for_update()
        .select_related("user", "territory")
        .get(pk=membership.pk)
    )
    _refuse_staff(membership.user)
    if membership.role == role:
        return membership
    before = membership.get_role_display()
    membership.role = role
    membership.save(update_fields=["role"])
    _log(
        by=by,
        user=membership.user,
        flag=CHANGE,
        message=(
            f"Rôle changé sur {membership.territory.name} : {before} → "
            f"{membership.get_role_display()}."
        ),
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: ProjectMembership, by) -> None:
    """Withdraw one access: the person no longer sees that territory's contracts."""
    membership = (
        ProjectMembership.objects.select_for_update()
        .select_related("user", "territory")
        .get(pk=membership.pk)
    )
    _refuse_staff(membership.user)
    user, territory, label = membership.user, membership.territory, membership.get_role_display()
    membership.delete()
    _log(by=by, user=user, flag=CHANGE, message=f"Accès retiré : {label} de {territory.name}.")


@transaction.atomic
def account_set_active(*, user, active: bool, by) -> None:
    """Deactivate (no sign-in at all, sessions refused at the next request) or reactivate."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _refuse_staff(user)
    if user.pk == by.pk:
        raise ValidationError("Vous ne pouvez pas désactiver votre propre compte.")
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    message = "Compte réactivé." if active else "Compte désactivé."
    _log(by=by, user=user, flag=CHANGE, message=message)
