"""The officers' admin in French formats: numbers, dates, history pages and titles.

One place decides how the admin shows a value (``admin_value``), used by
- the change lists and read-only fields (``install`` replaces Django's ``display_for_field`` and
  ``display_for_value`` where the admin calls them): « 12,5 » never « 12.5000 » or « 12,5000 »,
  populations grouped « 152 371 », years, ordinals and ids never grouped « 2021 », instants in
  Europe/Paris « 30/11/2026 à 00:03 »;
- the decimal fields of every admin form (``FrenchDecimalField``: typed and shown the French way);
- the history pages (``FrenchHistoryMixin``): French column titles, status labels instead of raw
  values, « — » instead of « None », and a related row deleted since shows as « indicateur
  supprimé (n° 20) » instead of an HTTP 500;
- the add and change pages' titles (« Modification de l'objectif », « Ajout d'une tranche de
  financement »).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.admin import helpers, options
from django.contrib.admin import utils as admin_utils
from django.contrib.admin.templatetags import admin_list
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.fields import AutoFieldMixin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from cotri.french_fields import FrenchDecimalField
from french import output

HISTORY_TYPES = {"+": "Création", "~": "Modification", "-": "Suppression"}

# Nouns of the admin's models that are feminine (the others take « du » / « un »).
_FEMININE = ("saisie", "tranche", "évaluation", "instance", "action", "adhésion", "moyenne")


# --- One display rule ---------------------------------------------------------------------------


def is_identifier_field(field: models.Field) -> bool:
    """Years, ordinals, numbers of items and ids: small integers and keys, never grouped."""
    return isinstance(field, models.SmallIntegerField | AutoFieldMixin)


def admin_value(value: Any, field: models.Field | None = None) -> str | None:
    """French text for a value the admin shows, or ``None`` to leave it to Django.

    ``field`` (a model field) gives choices and whether an integer is a quantity (« 152 371 »)
    or an identifier (« 2021 »).
    """
    if value is None or value == "":
        return output.EMPTY
    if isinstance(value, DeletedObject):
        return deleted_label(field, value.pk)
    if field is not None and getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return output.format_number(value)
    if isinstance(value, int):
        if field is not None and is_identifier_field(field):
            return output.format_year(value)
        return output.format_number(value)
    if isinstance(value, datetime.datetime):
        return output.format_datetime(value)
    if isinstance(value, datetime.date):
        return output.format_date(value)
    if isinstance(value, models.Model):
        return safe_label(value)
    return None


def deleted_label(field: models.Field | None, pk: Any) -> str:
    """« indicateur supprimé (n° 20) »: a related row that no longer exists."""
    name = str(field.verbose_name) if field is not None else "objet"
    suffix = "e" if name.startswith(_FEMININE) else ""
    return f"{name} supprimé{suffix} (n° {pk})"


class DeletedRelated:
    """Stands for a related row deleted since a version was recorded (``__str__`` only)."""

    def __init__(self, field: models.Field, pk: Any):
        self.field, self.pk = field, pk

    def __str__(self) -> str:
        return deleted_label(self.field, self.pk)


def fill_missing_related(instance: models.Model) -> bool:
    """Give every foreign key of ``instance`` whose row no longer exists a ``DeletedRelated``
    (one query per foreign key); ``True`` when one was missing."""
    missing = False
    for field in instance._meta.concrete_fields:
        if not field.many_to_one or getattr(instance, field.attname) is None:
            continue
        try:
            getattr(instance, field.name)
        except ObjectDoesNotExist:
            field.set_cached_value(
                instance, DeletedRelated(field, getattr(instance, field.attname))
            )
            missing = True
    return missing


def safe_label(instance: models.Model) -> str:
    """``str(instance)``, even for an old version whose related rows were deleted since: each
    missing row reads « <champ> supprimé (n° <id>) » (extra queries only on that path)."""
    try:
        return str(instance)
    except ObjectDoesNotExist:
        fill_missing_related(instance)
        return str(instance)


# --- Titles -------------------------------------------------------------------------------------


def of_noun(noun: str) -> str:
    """« de l'objectif », « du contrat », « de la saisie d'avancement »."""
    if noun[:1].lower() in "aeiouyéèêàâîôûh":
        return f"de l'{noun}"
    return f"de la {noun}" if noun.startswith(_FEMININE) else f"du {noun}"


def a_noun(noun: str) -> str:
    """« d'un objectif », « d'une tranche de financement »."""
    article = "une" if noun.startswith(_FEMININE) else "un"
    return f"d'{article} {noun}"


def changeform_title(model_admin, request, object_id) -> str:
    """« Ajout d'une tranche de financement », « Modification de l'objectif » (Django says
    « Modification de objectif »)."""
    noun = str(model_admin.opts.verbose_name)
    if object_id is None:
        return f"Ajout {a_noun(noun)}"
    if model_admin.has_change_permission(request):
        return f"Modification {of_noun(noun)}"
    return f"Consultation {of_noun(noun)}"


# --- History pages ------------------------------------------------------------------------------


class FrenchHistoryContextHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        text = admin_value(value, field)
        return text if text is not None else value


class FrenchHistoryMixin:
    """History list and versions in French; survives related rows deleted since."""

    object_history_list_template = "admin/cotri/object_history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return FrenchHistoryContextHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        for record in historical_records:
            record.cotri_label = safe_label(record.history_object)
            record.cotri_when = output.format_datetime(record.history_date)
            record.cotri_action = HISTORY_TYPES.get(record.history_type, record.history_type)
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)

    def history_view_title(self, request, obj):
        return f"Historique : {safe_label(obj)}"

    def history_form_view_title(self, request, obj):
        # ``obj`` is the old version: its missing related rows get their label here, before the
        # page prints it.
        label = safe_label(obj)
        if self.revert_disabled(request, obj):
            return f"Version de {label}"
        return f"Rétablir : {label}"


# --- Installation -------------------------------------------------------------------------------

_django_display_for_field = admin_utils.display_for_field
_django_display_for_value = admin_utils.display_for_value


def display_for_field(value, field, empty_value_display, avoid_link=False):
    if value in field.empty_values or isinstance(field, models.BooleanField):
        return _django_display_for_field(value, field, empty_value_display, avoid_link)
    if isinstance(field, models.DecimalField | models.IntegerField | models.DateField) or getattr(
        field, "flatchoices", None
    ):
        text = admin_value(value, field)
        if text is not None:
            return text
    return _django_display_for_field(value, field, empty_value_display, avoid_link)


def display_for_value(value, empty_value_display, boolean=False):
    if not boolean and isinstance(value, Decimal | datetime.date) and value is not None:
        return admin_value(value)
    return _django_display_for_value(value, empty_value_display, boolean)


DECIMAL_OVERRIDE = {"form_class": FrenchDecimalField}
_django_changeform_view = options.ModelAdmin.changeform_view


def _changeform_view(self, request, object_id=None, form_url="", extra_context=None):
    extra_context = {"title": changeform_title(self, request, object_id), **(extra_context or {})}
    return _django_changeform_view(self, request, object_id, form_url, extra_context)


def install(site) -> None:
    """Called once at start-up (``CotriConfig.ready``), after the admin registered its models."""
    admin_list.display_for_field = display_for_field
    helpers.display_for_field = display_for_field
    admin_list.display_for_value = display_for_value
    helpers.display_for_value = display_for_value
    # Inlines copy these defaults when they are built (per request); registered admins already
    # copied them, so they get the override too.
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DecimalField] = DECIMAL_OVERRIDE
    options.ModelAdmin.changeform_view = _changeform_view
    for model_admin in site._registry.values():
        model_admin.formfield_overrides.setdefault(models.DecimalField, {}).update(DECIMAL_OVERRIDE)
