"""Forms of the officers' account pages (admin layout)."""

from django import forms

from contracts.enums import MembershipRole
from territories.models import Territory


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse électronique")
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    territory = forms.ModelChoiceField(
        label="Territoire",
        queryset=Territory.objects.none(),
        help_text="Les territoires qui ont au moins un contrat.",
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=MembershipRole.choices,
        initial=MembershipRole.PROJECT_LEAD,
        help_text="Le chef de projet saisit l'avancement ; le lecteur consulte seulement.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = (
            Territory.objects.filter(contracts__isnull=False).distinct().order_by("name")
        )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=MembershipRole.choices)


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        choices=[("1", "Réactiver"), ("0", "Désactiver")], coerce=lambda v: v == "1"
    )
