"""French input: the numbers and dates a user types in a form or a spreadsheet.

``parse_decimal`` accepts what ``french.output`` prints and what French users type or paste:
ordinary, no-break (U+00A0) and narrow no-break (U+202F, U+2009 thin) spaces between thousands,
a decimal comma or point (« 1 500,5 », « 1500.5 », « 1 500 »). ``parse_date`` accepts
« JJ/MM/AAAA » and ISO « AAAA-MM-JJ ». Both raise ``ValueError`` with a French message that quotes
the text; callers add the row, column or field.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]")
# Digits grouped by three with spaces (already removed) are checked on the raw text instead.
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([\s\u00a0\u202f\u2009\u2007]\d{3})+([.,]\d*)?$")


def parse_decimal(text: str, *, allow_negative: bool = False) -> Decimal:
    """« 1 500,5 » → ``Decimal("1500.5")``.

    Spaces between digits must group them by three (« 1 5 » is refused: probably two values).
    Raises ``ValueError`` (« nombre invalide « … » », « la valeur doit être positive ou nulle »).
    """
    raw = str(text).strip()
    compact = _SPACES.sub("", raw)
    if not _NUMBER.fullmatch(compact) or (compact != raw and not _GROUPED.match(raw)):
        raise ValueError(f"nombre invalide « {text} »")
    try:
        value = Decimal(compact.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"nombre invalide « {text} »") from None
    if not value.is_finite():
        raise ValueError(f"nombre invalide « {text} »")
    if value < 0 and not allow_negative:
        raise ValueError(f"la valeur doit être positive ou nulle (« {text} »)")
    return value


def parse_date(text: str) -> datetime.date:
    """« 31/12/2023 » or « 2023-12-31 » → ``date(2023, 12, 31)``; ``ValueError`` otherwise."""
    raw = str(text).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date invalide « {text} » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)")


def parse_siret(text: str) -> str:
    """« 200 053 767 00014 » → ``"20005376700014"``: 14 digits whose Luhn key is right.

    The check is python-stdnum's (``stdnum.fr.siret``, which knows La Poste's exception). Raises
    ``ValueError`` with a French message quoting the text.
    """
    from stdnum.exceptions import InvalidChecksum, ValidationError
    from stdnum.fr import siret

    try:
        return siret.validate(str(text))
    except InvalidChecksum:
        raise ValueError(
            f"SIRET invalide « {text} » : la clé de contrôle ne correspond pas"
        ) from None
    except ValidationError:
        raise ValueError(f"SIRET invalide « {text} » : 14 chiffres attendus") from None


def validate_siret(value: str) -> None:
    """Model field validator: ``value`` must be stored as ``parse_siret`` writes it (14 digits).

    Raises Django's ``ValidationError`` with the French message of ``parse_siret``.
    """
    from django.core.exceptions import ValidationError

    try:
        compact = parse_siret(value)
    except ValueError as error:
        raise ValidationError(str(error), code="siret") from None
    if compact != value:
        raise ValidationError(
            f"SIRET « {value} » : saisir les 14 chiffres sans espace ({compact})", code="siret"
        )


# --- Place names typed in a search box ------------------------------------------------------------

# What the database folds in a name to compare it with a search key (see ``search_key``): each
# accented or joined letter of French place names, either case, to its plain lower-case form, and
# the hyphen and apostrophes to a space. ``cotri.public.place_search`` applies the same table in
# SQL (nested REPLACE, on PostgreSQL and SQLite alike) before ``LOWER``.
NAME_FOLDS: tuple[tuple[str, str], ...] = (
    *((c, "a") for c in "àâäáãåÀÂÄÁÃÅ"),
    *((c, "e") for c in "éèêëÉÈÊË"),
    *((c, "i") for c in "îïíìÎÏÍÌ"),
    *((c, "o") for c in "ôöóòõÔÖÓÒÕ"),
    *((c, "u") for c in "ùûüúÙÛÜÚ"),
    *((c, "y") for c in "ÿŸ"),
    *((c, "c") for c in "çÇ"),
    *((c, "n") for c in "ñÑ"),
    ("œ", "oe"),
    ("Œ", "oe"),
    ("æ", "ae"),
    ("Æ", "ae"),
    *((c, " ") for c in "-'’‘‐–"),
)
_FOLD_TABLE = str.maketrans(dict(NAME_FOLDS))
_BLANKS = re.compile(r"\s+")


def search_key(text: str) -> str:
    """What a user typed to find a place, as compared with folded names: « Guînes » → « guines »,
    « SAINT-OMER » → « saint omer », « l’Audomarois » → « l audomarois ». Letters outside
    ``NAME_FOLDS`` lose their accents too (NFKD). Never raises; "" for blank text."""
    folded = str(text).translate(_FOLD_TABLE)
    decomposed = unicodedata.normalize("NFKD", folded)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _BLANKS.sub(" ", plain.lower()).strip()
