"""The contract document's JSON Schema, and its errors told in French with a JSON path."""

import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

SCHEMA_PATH = Path(__file__).with_name("schema.json")

_TYPE_NAMES = {
    "string": "une chaîne",
    "integer": "un entier",
    "number": "un nombre",
    "boolean": "true ou false",
    "object": "un objet",
    "array": "une liste",
    "null": "null",
}
DECIMAL_DEFS = ("decimal_value", "money", "per_inhabitant", "threshold")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REQUIRED = re.compile(r"^'(?P<name>.+)' is a required property$")


@cache
def contract_document_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the contract document."""
    with SCHEMA_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(
        contract_document_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def _pattern_messages() -> dict[str, str]:
    defs = contract_document_schema()["$defs"]
    decimal_hint = "chaîne de chiffres avec un point décimal"
    return {
        defs["decimal_value"]["pattern"]: f"{decimal_hint}, au plus 4 décimales, par ex. « 12.5 »",
        defs["money"]["pattern"]: f"{decimal_hint}, au plus 2 décimales, par ex. « 270000.00 »",
        defs["per_inhabitant"]["pattern"]: f"{decimal_hint}, au plus 2 décimales, par ex. « 1.00 »",
        defs["threshold"]["pattern"]: f"{decimal_hint} entre 0 et 9.9999, par ex. « 0.60 »",
        defs["date"]["pattern"]: "date ISO 8601 attendue (AAAA-MM-JJ)",
    }


@cache
def _decimal_patterns() -> frozenset[str]:
    defs = contract_document_schema()["$defs"]
    return frozenset(defs[name]["pattern"] for name in DECIMAL_DEFS)


def json_path(parts: Iterable[str | int]) -> str:
    """``["objectives", 2, "incontournable"]`` → ``$.objectives[2].incontournable``."""
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _IDENTIFIER.match(part):
            path += f".{part}"
        else:
            path += f"[{json.dumps(part, ensure_ascii=False)}]"
    return path


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"chaîne « {value} »"
    if isinstance(value, int | float | Decimal):
        return f"nombre {value}"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un objet"
    return repr(value)


def _type_message(error: SchemaError) -> str:
    expected = error.validator_value
    names = [expected] if isinstance(expected, str) else list(expected)
    wanted = " ou ".join(_TYPE_NAMES.get(name, name) for name in names)
    message = f"doit être {wanted} (trouvé : {_shown(error.instance)})"
    decimal = error.schema.get("pattern") in _decimal_patterns()
    if decimal and isinstance(error.instance, int | float | Decimal):
        message += ' ; les nombres décimaux s\'écrivent entre guillemets, par ex. "1500"'
    return message


def _schema_error_lines(error: SchemaError) -> list[tuple[list[str | int], str]]:
    """One error may name several keys (unknown keys): one (path, message) per key."""
    path = list(error.absolute_path)
    validator = error.validator
    value = error.validator_value
    instance = error.instance
    if validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = [key for key in instance if key not in known]
        return [([*path, key], "clé inconnue") for key in extra]
    if validator == "required":
        match = _REQUIRED.match(error.message)
        name = match["name"] if match else "?"
        message = "clé obligatoire manquante"
        if "then" in error.schema_path:
            message += " (une tranche forfaitaire doit avoir un montant)"
        return [([*path, name], message)]
    if validator == "type":
        return [(path, _type_message(error))]
    if validator == "enum":
        allowed = ", ".join(str(item) for item in value)
        return [(path, f"valeur {_shown(instance)} non autorisée (valeurs possibles : {allowed})")]
    if validator == "const":
        return [(path, f"doit valoir « {value} » (trouvé : {_shown(instance)})")]
    if validator == "pattern":
        if isinstance(instance, str) and instance.startswith("-"):
            return [(path, f"valeur négative interdite (« {instance} »)")]
        hint = _pattern_messages().get(value)
        if hint is None:
            if value == "^[-a-zA-Z0-9_]+$":
                hint = "lettres sans accent, chiffres, - et _ uniquement"
            elif value == "^https?://":
                hint = "adresse web commençant par http:// ou https://"
            else:
                hint = f"format attendu : {value}"
        return [(path, f"« {instance} » invalide : {hint}")]
    if validator == "format":
        return [(path, f"« {instance} » n'est pas une date valide (AAAA-MM-JJ)")]
    if validator == "minimum":
        return [(path, f"doit être supérieur ou égal à {value} (trouvé : {instance})")]
    if validator == "maximum":
        return [(path, f"doit être inférieur ou égal à {value} (trouvé : {instance})")]
    if validator == "minLength":
        return [(path, "ne doit pas être vide")]
    if validator == "maxLength":
        return [(path, f"trop long ({len(instance)} caractères, {value} au plus)")]
    if validator == "minItems":
        return [(path, f"la liste doit contenir au moins {value} élément(s)")]
    if validator == "uniqueItems":
        return [(path, "la liste contient des doublons")]
    return [(path, error.message)]


def schema_errors(document: Any) -> list[tuple[str, str]]:
    """Every schema error of ``document`` as (JSON path, French message), in schema order."""
    lines: list[tuple[Sequence[str | int], str]] = []
    mistyped: set[tuple[str | int, ...]] = set()
    for error in _validator().iter_errors(document):
        if error.validator == "type":
            # "territory" is checked twice (its type, then the object branch): say it once.
            if tuple(error.absolute_path) in mistyped:
                continue
            mistyped.add(tuple(error.absolute_path))
        lines.extend(_schema_error_lines(error))
    seen: set[tuple[str, str]] = set()
    result = []
    for parts, message in lines:
        item = (json_path(parts), message)
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result
