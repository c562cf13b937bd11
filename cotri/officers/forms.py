"""Forms of the officers' account pages (admin layout)."""

from django import forms
from django.db.models import Q

from contracts.enums import MembershipRole
from territories.enums import TerritoryKind
from territories.models import Territory


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse électronique")
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    territory = forms.ModelChoiceField(
        label="Territoire",
        queryset=Territory.objects.none(),
        help_text="EPCI, groupements, départements, régions, et les communes sous contrat.",
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=MembershipRole.choices,
        initial=MembershipRole.PROJECT_LEAD,
        help_text="Le chef de projet saisit l'avancement ; le lecteur consulte seulement.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Communes (thousands) only when they hold a contract: the list stays short.
        self.fields["territory"].queryset = (
            Territory.objects.filter(~Q(kind=TerritoryKind.COMMUNE) | Q(contracts__isnull=False))
            .distinct()
            .order_by("name")
        )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=MembershipRole.choices)


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        choices=[("1", "Réactiver"), ("0", "Désactiver")], coerce=lambda v: v == "1"
    )
