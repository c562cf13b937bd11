"""French output formats: numbers, money, rates, dates and instants as a user reads them.

Conventions (one place for each):
- Thousands are grouped with U+202F (narrow no-break space), the decimal mark is a comma, and a
  decimal is printed without trailing zeros: ``format_number(Decimal("1234.5000"))`` is
  « 1 234,5 ». Money shows cents only when there are some, with U+00A0 before « € ».
- Years, codes, identifiers and references are never grouped: ``format_year(2021)`` is « 2021 ».
- A date is « JJ/MM/AAAA »; an instant (aware ``datetime``) is first converted to Europe/Paris,
  so 2026-11-29 23:03 UTC reads « 30/11/2026 » and « 30/11/2026 à 00:03 ». A naive datetime is
  taken as already local. Machine files use ``format_iso_instant`` (ISO 8601 with the offset).

Every function takes ``Decimal`` or ``int`` for numbers; a ``float`` (or ``bool``) raises
``TypeError`` because binary rounding could turn a failing 0.59999 into a passing 0.60.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
THOUSANDS_SEP = "\u202f"  # narrow no-break space, French thousands separator
EURO_SEP = "\u00a0"  # no-break space before the euro sign
EMPTY = "—"

_CONTEXT = Context(prec=60, rounding=ROUND_FLOOR)
_ONE = Decimal(1)
_CENT = Decimal("0.01")


def _decimal(value: object, name: str = "value") -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, got {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _group(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        digits, tail = digits[:-3], digits[-3:]
        groups.insert(0, tail)
    return THOUSANDS_SEP.join([digits, *groups])


def _fixed(value: Decimal, *, grouped: bool = True) -> str:
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    return sign + (_group(whole) if grouped else whole) + ("," + fraction if fraction else "")


def _without_trailing_zeros(value: Decimal) -> Decimal:
    with localcontext(_CONTEXT):
        if value == value.to_integral_value():
            return value.quantize(_ONE)
        return value.normalize()


# --- Numbers ------------------------------------------------------------------------------------


def format_number(value: Decimal | int) -> str:
    """« 1 234,5 », « 12,5 » (never « 12,5000 »), « 0 »: a quantity, grouped by thousands."""
    return _fixed(_without_trailing_zeros(_decimal(value)))


def format_fixed(value: Decimal | int, places: int) -> str:
    """« 5,0 »: a measure with a fixed precision (file sizes), rounded half up, grouped."""
    with localcontext(_CONTEXT):
        exponent = Decimal(1).scaleb(-places)
        return _fixed(_decimal(value).quantize(exponent, rounding=ROUND_HALF_UP))


def format_number_input(value: Decimal | int) -> str:
    """« 1234,5 »: a number as an edit form shows it (no grouping, comma, no trailing zeros);
    ``french.input.parse_decimal`` reads it (and ``format_number``'s output) back."""
    return _fixed(_without_trailing_zeros(_decimal(value)), grouped=False)


def format_year(value: int | Decimal) -> str:
    """« 2021 »: a year, a code, an id or a reference number is never grouped."""
    return _fixed(_without_trailing_zeros(_decimal(value)), grouped=False)


def format_rate(rate: Decimal | int) -> str:
    """« 81,3 % »: rounded DOWN to 0.1 % so that a failing rate never shows as passing."""
    with localcontext(_CONTEXT):
        percent = (_decimal(rate, "rate") * 100).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return f"{_fixed(percent)} %"


def format_threshold(threshold: Decimal | int) -> str:
    """« 100 % », « 60 % », « 62,5 % »: a threshold without trailing zeros."""
    with localcontext(_CONTEXT):
        percent = _decimal(threshold, "threshold") * 100
    return f"{_fixed(_without_trailing_zeros(percent))} %"


def format_euros(amount: Decimal | int) -> str:
    """« 422 371 € » or « 152 371,50 € »: rounded to the cent (half up), cents only when some."""
    with localcontext(_CONTEXT):
        cents = _decimal(amount, "amount").quantize(_CENT, rounding=ROUND_HALF_UP)
        if cents == cents.to_integral_value():
            cents = cents.quantize(_ONE)
    return f"{_fixed(cents)}{EURO_SEP}€"


def agree(count: int, singular: str, plural: str | None = None) -> str:
    """The word agreeing with ``count``: « validée » for 0 or 1, « validées » from 2 on (French
    takes 0 and 1 as singular); ``plural`` for irregular words (« EPCI », « mises à jour »)."""
    return singular if abs(count) < 2 else (plural or f"{singular}s")


def format_count(count: int, singular: str, plural: str | None = None) -> str:
    """« 0 action », « 1 action », « 3 actions », « 1 234 saisies »."""
    return f"{format_number(count)} {agree(count, singular, plural)}"


def format_rank(rank: int, count: int, *, tied: bool = False) -> str:
    """« 1ᵉʳ sur 7 », « 3ᵉ sur 7 », « 2ᵉ ex aequo sur 7 »: a place in a ranking (of territories,
    masculine), with Unicode superscripts as the Imprimerie nationale writes them."""
    if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
        raise ValueError(f"rank must be a positive int, got {rank!r}")
    ordinal = "1ᵉʳ" if rank == 1 else f"{format_number(rank)}ᵉ"
    return f"{ordinal}{' ex aequo' if tied else ''} sur {format_number(count)}"


# --- Dates and instants ---------------------------------------------------------------------------


def local_instant(value: datetime.datetime) -> datetime.datetime:
    """The instant in Europe/Paris (a naive datetime is taken as already local)."""
    if value.tzinfo is None:
        return value
    return value.astimezone(PARIS)


def local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The day a user in France lives ``value`` on: an instant is converted to Europe/Paris."""
    if isinstance(value, datetime.datetime):
        return local_instant(value).date()
    return value


def format_date(value: datetime.date | datetime.datetime) -> str:
    """« 31/12/2023 »; an instant is dated in Europe/Paris (23:03 UTC → the next day)."""
    day = local_date(value)
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_datetime(value: datetime.datetime, *, separator: str = " à ") -> str:
    """« 30/11/2026 à 00:03 », in Europe/Paris (``separator=" "`` for a spreadsheet cell)."""
    moment = local_instant(value)
    return f"{format_date(moment)}{separator}{moment.hour:02d}:{moment.minute:02d}"


def format_iso_date(value: datetime.date | datetime.datetime) -> str:
    """« 2026-11-30 »: the local day, for file names and machine files."""
    return local_date(value).isoformat()


def format_iso_instant(value: datetime.datetime) -> str:
    """« 2026-11-30T00:03:00+01:00 »: ISO 8601 with the Paris offset, for machine files."""
    return local_instant(value).isoformat(timespec="seconds")


# --- Territory names in a sentence ---------------------------------------------------------------

# First words of territory names and the article « de » takes before them (« du Pays du
# Calaisis », « de la CC de la Région d’Audruicq »); other names are place names (« de Calais »,
# « d’Ardres »).
_MASCULINE = {"pays", "parc", "pnr", "petr", "pôle", "syndicat", "scot", "sivom", "sivu", "smictom"}
_FEMININE = {"cc", "ca", "cu", "communauté", "métropole", "agglomération", "région"}
_ARTICLES = {"le": "du ", "les": "des "}  # « la » and « l’ » stay: « de La Capelle »


def of_territory(name: str) -> str:
    """« de » and a territory's name, contracted as French does: « du Pays du Calaisis »,
    « de la CC Pays d’Opale », « de la Métropole Européenne de Lille », « du Touquet »,
    « des Weppes », « de La Capelle », « d’Ardres », « de Calais ». Never raises."""
    name = name.strip()
    lowered = name.lower()
    for article, contracted in _ARTICLES.items():
        if lowered.startswith(article + " "):
            return contracted + name[len(article) :].lstrip()
    first = lowered.split(" ", 1)[0]
    if first in _MASCULINE:
        return f"du {name}"
    if first in _FEMININE:
        return f"de la {name}"
    if first[:1] in "aâàeéèêiîoôuûhy":
        return f"d’{name}"
    return f"de {name}"
