"""Server-side SVG charts: identical in the web page and the PDF, no JavaScript.

Every chart labels its values in text, draws the target as a dashed line named in words, and
carries a text alternative (``<title>`` and ``<desc>``), so it reads without colour or sight.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cotri.templatetags.french import date_fr, number_fr, rate

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 24, 40
BLUE = "#000091"
GREY = "#3a3a3a"


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def _y(value: Decimal, top: Decimal) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * float(1 - value / top) if top else HEIGHT - BOTTOM


def progress_chart(
    *,
    dom_id: str,
    label: str,
    unit: str,
    baseline: Decimal,
    target: Decimal,
    points: Sequence[tuple[date, Decimal]],
    start: date | None,
    end: date | None,
) -> SafeString:
    """The validated level over time against the target line."""
    unit_text = f" {unit}" if unit else ""
    days = [d for d, _ in points] + [d for d in (start, end) if d]
    first, last = (min(days), max(days)) if days else (date.today(), date.today())
    top = max([target, baseline, *(v for _, v in points)]) * Decimal("1.15") or Decimal(1)
    if points:
        described = "; ".join(f"{date_fr(d)} : {number_fr(v)}{unit_text}" for d, v in points)
        summary = f"Valeurs validées — {described}."
    else:
        summary = "Aucune valeur validée pour le moment."
    desc = (
        f"Évolution de l’indicateur « {label} ». Valeur de référence {number_fr(baseline)}"
        f"{unit_text}, cible {number_fr(target)}{unit_text}. {summary}"
    )
    y_target = _y(target, top)
    y_axis = HEIGHT - BOTTOM
    parts = [
        f'<svg class="cotri-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" aria-labelledby="{dom_id}-t {dom_id}-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="Marianne, Arial, sans-serif" '
        f'font-size="12">',
        f'<title id="{dom_id}-t">{escape(label)}</title>',
        f'<desc id="{dom_id}-d">{escape(desc)}</desc>',
        f'<line x1="{LEFT}" y1="{y_axis}" x2="{WIDTH - RIGHT}" y2="{y_axis}" stroke="{GREY}"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{y_axis}" stroke="{GREY}"/>',
        f'<text x="{LEFT - 6}" y="{y_axis + 4}" text-anchor="end">0</text>',
        f'<line x1="{LEFT}" y1="{y_target:.1f}" x2="{WIDTH - RIGHT}" y2="{y_target:.1f}" '
        f'stroke="{GREY}" stroke-width="2" stroke-dasharray="8 4"/>',
        f'<text x="{WIDTH - RIGHT}" y="{y_target - 6:.1f}" text-anchor="end" font-weight="bold">'
        f"Cible : {escape(number_fr(target) + unit_text)}</text>",
        f'<text x="{LEFT}" y="{HEIGHT - 12}" text-anchor="start">{date_fr(first)}</text>',
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 12}" text-anchor="end">{date_fr(last)}</text>',
    ]
    if points:
        coords = [(_x(d, first, last), _y(v, top)) for d, v in points]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
        for (x, y), (_, value) in zip(coords, points, strict=True):
            parts.append(
                f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{BLUE}"/>'
            )
            anchor = "end" if x > WIDTH - RIGHT - 40 else "middle"
            parts.append(
                f'<text x="{x:.1f}" y="{y + 18:.1f}" text-anchor="{anchor}">'
                f"{escape(number_fr(value))}</text>"
            )
    else:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">'
            "Aucune valeur validée</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def progress_bar(
    *, dom_id: str, value: Decimal | None, threshold: Decimal, met: bool | None
) -> SafeString:
    """A bar of the achievement rate (capped at 100 % wide), its threshold and its verdict in
    words; a met objective is filled plain, a missed one hatched."""
    width, height, bar = 320, 34, 18
    shown = min(value, Decimal(1)) if value is not None else Decimal(0)
    fill_width = float(shown) * width
    mark = float(min(threshold, Decimal(1))) * width
    text = rate(value) if value is not None else "non évaluable"
    fill = BLUE if met else f"url(#{dom_id}-h)"
    verdict = {True: "atteint", False: "non atteint", None: "non évaluable"}[met]
    return mark_safe(  # noqa: S308 - only numbers and fixed words
        f'<svg class="cotri-bar" role="img" viewBox="0 0 {width + 2} {height}" width="{width + 2}"'
        f' height="{height}" aria-label="Avancement {escape(text)}, seuil '
        f'{escape(rate(threshold))}, {verdict}" xmlns="http://www.w3.org/2000/svg">'
        f'<defs><pattern id="{dom_id}-h" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<rect width="3" height="6" fill="{BLUE}"/></pattern></defs>'
        f'<rect x="1" y="1" width="{width}" height="{bar}" fill="#fff" stroke="{GREY}"/>'
        f'<rect x="1" y="1" width="{fill_width:.1f}" height="{bar}" fill="{fill}"/>'
        f'<line x1="{mark + 1:.1f}" y1="0" x2="{mark + 1:.1f}" y2="{bar + 2}" stroke="#ce0500" '
        f'stroke-width="3"/>'
        f'<text x="{mark + 1:.1f}" y="{height - 2}" font-size="11" text-anchor="end" '
        f'font-family="Marianne, Arial, sans-serif">seuil {escape(rate(threshold))}</text>'
        "</svg>"
    )
