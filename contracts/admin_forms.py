"""Admin form fields and forms for setting up programmes and contracts the way officers think.

Thresholds are typed and shown as percentages (« 60 » next to « % » stores 0.60); lists of
organisations are typed one per line instead of JSON; a new contract takes its bonus rule,
tranches and reference population from its programme and territory.
"""

from decimal import Decimal

from django import forms
from django.utils.html import format_html

from contracts.enums import ContractStatus
from contracts.models import Contract, GovernanceBody, Programme

HUNDRED = Decimal("100")


def _as_percent(fraction: Decimal | None) -> Decimal | None:
    return None if fraction is None else (fraction * HUNDRED).normalize()


class PercentInput(forms.TextInput):
    """A short text input followed by « % »."""

    def __init__(self, attrs=None):
        super().__init__({"size": 6, "inputmode": "decimal", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        return format_html("{}\u202f%", super().render(name, value, attrs, renderer))


class PercentField(forms.DecimalField):
    """A rate stored as a fraction (0.6) typed and shown as a percentage (« 60 » %).

    Accepts « 60 », « 62,5 » or « 62,5 % »; stores ``Decimal("0.625")``. Errors in French name
    the bounds in percent.
    """

    widget = PercentInput

    def __init__(self, *, max_digits=None, decimal_places=None, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("localize", True)
        # A fraction with 4 decimals is a percentage with 2.
        super().__init__(max_digits=None, decimal_places=2, **kwargs)

    def prepare_value(self, value):
        if value in (None, ""):
            return value
        if isinstance(value, str):  # a re-displayed invalid input stays as typed
            return value
        percent = Decimal(value) * HUNDRED
        if percent == percent.to_integral_value():
            return percent.quantize(Decimal(1))  # « 60 », not « 60,0000 »
        return percent.normalize()

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("%").strip()
        percent = super().to_python(value)
        return None if percent is None else percent / HUNDRED

    def validate(self, value):
        super().validate(_as_percent(value))

    def run_validators(self, value):
        super().run_validators(_as_percent(value))


class LinesField(forms.CharField):
    """A list of short texts typed one per line (blank lines ignored); stores a JSON list."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


def _rule_overrides() -> dict:
    return {
        "bonus_objective_threshold": PercentField(
            label="seuil par objectif (%)",
            max_value=Decimal("1000"),
            help_text="Taux d'atteinte minimal de chaque objectif, par exemple 60 %.",
        ),
        "bonus_priority_threshold": PercentField(
            label="seuil des objectifs prioritaires (%)",
            max_value=Decimal("1000"),
            help_text="Taux d'atteinte minimal des objectifs prioritaires, par exemple 100 %.",
        ),
    }


class ProgrammeAdminForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = "__all__"  # noqa: DJ007 (the ModelAdmin's fieldsets choose the fields)
        localized_fields = ("bonus_per_inhabitant", "bonus_cap")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_rule_overrides())


FROZEN_ONCE_SIGNED = ("population", "population_vintage")


class ContractAdminForm(forms.ModelForm):
    """Creation: the rule comes from the programme, the population from the territory (when left
    empty). Afterwards: the rule and population are edited here, the population only while the
    contract is a draft (an amendment changes it afterwards)."""

    class Meta:
        model = Contract
        fields = "__all__"  # noqa: DJ007 (the ModelAdmin's fieldsets choose the fields)
        localized_fields = ("bonus_per_inhabitant", "bonus_cap")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in _rule_overrides().items():
            if name in self.fields:
                self.fields[name] = field
        if "population" in self.fields:
            self.fields["population"].help_text = (
                "Laissée vide à la création, elle reprend celle du territoire avec son "
                "millésime. Figée à la signature : ensuite, seul un avenant la change."
            )
        if "published" in self.fields:
            self.fields["published"].help_text = (
                "Une fiche n'est visible du public qu'une fois le contrat signé : cochée sur un "
                "brouillon, elle reste privée jusqu'à la signature."
            )

    def clean(self):
        data = super().clean()
        instance = self.instance
        if instance.pk and instance.status != ContractStatus.DRAFT:
            for name in FROZEN_ONCE_SIGNED:
                if name in self.changed_data:
                    self.add_error(
                        name,
                        "La population de référence est figée depuis la signature : "
                        "enregistrez un avenant qui la modifie.",
                    )
        return data

    def apply_defaults(self, contract: Contract) -> None:
        """On creation: the programme's rule; the territory's population if none was typed."""
        contract.copy_rule_from(contract.programme)
        if contract.population is None and contract.territory.population is not None:
            contract.population = contract.territory.population
            contract.population_vintage = contract.territory.population_vintage


class GovernanceBodyForm(forms.ModelForm):
    members = LinesField(
        label="organismes membres",
        required=False,
        help_text="Un organisme par ligne, par exemple « ADEME », « Région Hauts-de-France ».",
    )

    class Meta:
        model = GovernanceBody
        fields = "__all__"  # noqa: DJ007 (the ModelAdmin's fieldsets choose the fields)
