"""Forms of the chefs de projet's space: French dates and decimals ("12,5", "1 500,5")."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.db.models import Q
from django.forms.widgets import Input

from contracts.models import Programme
from cotri.espace.uploads import ACCEPTED, validate_evidence
from cotri.french_fields import FrenchDateField, FrenchDecimalField
from indicators.models import VALUE_DIGITS
from territories.models import Territory

# The DSFR styles inputs through classes, not elements: without them fields are almost invisible.
_DSFR_CLASSES = (
    ((forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect, forms.HiddenInput), ""),
    ((forms.Select,), "fr-select"),
    ((forms.ClearableFileInput, forms.FileInput), "fr-upload"),
    ((Input, forms.Textarea), "fr-input"),
)


class DsfrMixin:
    """Gives every widget of the form its DSFR class."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next((c for kinds, c in _DSFR_CLASSES if isinstance(widget, kinds)), "")
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class LoginForm(DsfrMixin, auth_forms.AuthenticationForm):
    pass


class PasswordResetForm(DsfrMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(DsfrMixin, auth_forms.SetPasswordForm):
    pass


class EntryForm(DsfrMixin, forms.Form):
    date = FrenchDateField(
        label="Date de la valeur",
        # A browser's date picker sends and shows ISO dates; typed « 31/12/2023 » is read too.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Read and shown like the file import and the pages: « 1 500,5 », « 1500.5 », « 12,5 ».
    value = FrenchDecimalField(
        label="Valeur",
        min_value=0,
        help_text="Nombre décimal, par exemple 12,5 ou 1 500.",
        **VALUE_DIGITS,
    )
    comment = forms.CharField(
        label="Commentaire aux agents",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Lu par les agents qui valident ; publié seulement si un agent le rend public.",
    )
    private_note = forms.CharField(
        label="Note de travail (privée)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Vue seulement des membres du territoire : ni les agents, ni le public.",
    )
    evidence = forms.FileField(
        label="Justificatif",
        required=False,
        help_text=f"Facultatif. Formats acceptés : {ACCEPTED} ; 10 Mo au maximum.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED.replace(" ", "")}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            validate_evidence(upload)
        return upload


class QueueFilterForm(DsfrMixin, forms.Form):
    """Filters of the validation queue. At national size thousands of territories have entries
    waiting: a search field, not a list of them all. ``territory`` (an id) stays accepted, for
    links that name one."""

    q = forms.CharField(
        label="Territoire ou contrat",
        required=False,
        max_length=100,
        help_text="Une partie du nom du territoire ou de la référence du contrat, ou son code.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    territory = forms.ModelChoiceField(
        label="Territoire",
        queryset=Territory.objects.all(),
        required=False,
        widget=forms.HiddenInput,
    )
    programme = forms.ModelChoiceField(
        label="Programme", queryset=Programme.objects.all(), required=False
    )

    def entries(self, entries):
        """``entries`` (a ProgressEntry queryset) narrowed to what the filters ask for."""
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        prefix = "indicator__objective__contract__"
        if data["territory"]:
            entries = entries.filter(**{f"{prefix}territory": data["territory"]})
        if data["programme"]:
            entries = entries.filter(**{f"{prefix}programme": data["programme"]})
        if text := data["q"].strip():
            entries = entries.filter(
                Q(**{f"{prefix}territory__name__icontains": text})
                | Q(**{f"{prefix}territory__code__iexact": text})
                | Q(**{f"{prefix}reference__icontains": text})
            )
        return entries


class ReviewForm(DsfrMixin, forms.Form):
    ACTIONS = {"validate": "Valider", "return": "Renvoyer au chef de projet"}

    entries = forms.ModelMultipleChoiceField(
        label="Saisies", queryset=None, widget=forms.CheckboxSelectMultiple
    )
    action = forms.ChoiceField(
        label="Décision", choices=list(ACTIONS.items()), widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note au chef de projet",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour un renvoi : dites ce qu'il faut corriger.",
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = entries

    def clean(self):
        data = super().clean()
        if data.get("action") == "return" and not data.get("note", "").strip():
            self.add_error("note", "Indiquez au chef de projet ce qu'il doit corriger.")
        return data


class ImportForm(DsfrMixin, forms.Form):
    file = forms.FileField(
        label="Fichier d'avancement",
        help_text=(
            "CSV (séparateur « ; », « , » ou tabulation ; UTF-8, UTF-16, Windows-1252, "
            "ISO-8859-15 ou Mac Roman), XLSX ou ODS ; 5 Mo au plus."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.ods"}),
    )


class ImportConfirmForm(forms.Form):
    pending = forms.RegexField(regex=r"^[0-9a-f]{64}\.(csv|xlsx|ods)$", widget=forms.HiddenInput)
