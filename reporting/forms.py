"""Forms of the reporting pages (French dates; DSFR classes from the front office)."""

from django import forms

from contracts.enums import ContractStatus
from contracts.models import Contract, Programme
from cotri.espace.forms import DsfrMixin
from reporting.enums import ReportState
from reporting.models import DEFAULT_REMIND_DAYS


def _date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class CampaignForm(DsfrMixin, forms.Form):
    name = forms.CharField(label="Nom", max_length=200, help_text="Par ex. « Bilan annuel 2022 ».")
    programme = forms.ModelChoiceField(
        label="Programme",
        queryset=Programme.objects.order_by("code"),
        required=False,
        help_text="Tous ses contrats en cours, si vous ne choisissez pas de contrats ci-dessous.",
    )
    contracts = forms.ModelMultipleChoiceField(
        label="Contrats",
        queryset=Contract.objects.exclude(
            status__in=(ContractStatus.DRAFT, ContractStatus.TERMINATED)
        ).order_by("reference"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    period_start = _date_field("Début de la période")
    period_end = _date_field("Fin de la période")
    due_on = _date_field("Date limite de remise")
    remind_days_before = forms.IntegerField(
        label="Premier rappel (jours avant la date limite)",
        min_value=0,
        max_value=365,
        initial=DEFAULT_REMIND_DAYS,
    )


class GenerateForm(DsfrMixin, forms.Form):
    programme = forms.ModelChoiceField(
        label="Programme", queryset=Programme.objects.order_by("code")
    )


STATE_CHOICES = [("", "Tous"), *ReportState.choices, ("late", "En retard")]


class BoardFilterForm(DsfrMixin, forms.Form):
    programme = forms.ModelChoiceField(
        label="Programme", queryset=Programme.objects.order_by("code"), required=False
    )
    departement = forms.CharField(label="Département (code)", max_length=3, required=False)
    state = forms.ChoiceField(label="État", choices=STATE_CHOICES, required=False)


class ReportSubmitForm(DsfrMixin, forms.Form):
    message = forms.CharField(
        label="Message aux agents (facultatif)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportReviewForm(DsfrMixin, forms.Form):
    action = forms.ChoiceField(
        label="Décision",
        choices=[("validate", "Valider le rapport"), ("return", "Renvoyer au chef de projet")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note au chef de projet",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour un renvoi.",
    )


class UnlockForm(DsfrMixin, forms.Form):
    reason = forms.CharField(
        label="Motif du déverrouillage",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Conservé dans l'historique de la saisie.",
    )
    until = _date_field("Déverrouillée jusqu'au (inclus)", required=False)


class ProfileForm(DsfrMixin, forms.Form):
    reminders_enabled = forms.BooleanField(
        label="Recevoir les e-mails de rappel des campagnes de suivi", required=False
    )
