"""Form fields that read and show numbers and dates the French way (``french.input`` /
``french.output``).

``FrenchDecimalField`` accepts what the platform prints and what French users type or paste —
« 1 500,5 » with an ordinary, no-break or narrow no-break space, « 1500.5 », « 12,5 » — and shows
a stored value without trailing zeros (« 12,5 », never « 12,5000 »).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from french import input as french_input
from french import output


class FrenchDecimalField(forms.DecimalField):
    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        kwargs.pop("localize", None)  # the French format is the field's own, not the locale's
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value)
        try:
            return french_input.parse_decimal(str(value), allow_negative=True)
        except ValueError:
            raise ValidationError(
                f"Saisissez un nombre, par exemple 1 500 ou 12,5 (reçu « {value} »).",
                code="invalid",
            ) from None

    def prepare_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return output.format_number_input(value)
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "decimal")
        return attrs


class FrenchDateField(forms.DateField):
    """« 31/12/2023 » or « 2023-12-31 » (what a browser's date input sends)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value.date() if isinstance(value, datetime.datetime) else value
        try:
            return french_input.parse_date(str(value))
        except ValueError:
            raise ValidationError(
                f"Saisissez une date, par exemple 31/12/2023 (reçu « {value} »).", code="invalid"
            ) from None
