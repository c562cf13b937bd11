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
from french.output import agree, format_number

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
    label = escape(f"Avancement {text}, seuil {rate(threshold)}, {verdict}")
    return mark_safe(  # noqa: S308 - only numbers and fixed words
        f'<svg class="cotri-bar" role="img" viewBox="0 0 {width + 2} {height}" width="{width + 2}"'
        f' height="{height}" aria-label="{label}" xmlns="http://www.w3.org/2000/svg">'
        # The title is the figure's alternative text in the tagged PDF.
        f"<title>{label}</title>"
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


# --- Interest × influence map of an objective's actors ------------------------------------------

MAP_WIDTH, MAP_LEFT, MAP_BOTTOM = 640, 34, 30
CELL_PAD, LINE, CHARS, MAX_LINES = 10, 15, 40, 9


def _wrap(name: str, *, chars: int = CHARS, lines: int = 2) -> list[str]:
    """The name in lines of at most ``chars`` characters (words kept whole), the last one cut
    with an ellipsis when the name is longer than ``lines`` lines."""
    out: list[str] = []
    current = ""
    for word in name.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= chars:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
    if current:
        out.append(current)
    out = [line if len(line) <= chars else line[: chars - 1] + "…" for line in out]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: chars - 1].rstrip() + "…"
    return out or [""]


def _cell_lines(names: Sequence[str]) -> list[str]:
    """One bullet per name (wrapped), at most MAX_LINES; what does not fit is counted."""
    lines: list[str] = []
    for shown, name in enumerate(names):
        wrapped = _wrap(name)
        wrapped = [f"• {wrapped[0]}", *(f"  {w}" for w in wrapped[1:])]
        if len(lines) + len(wrapped) > MAX_LINES - (1 if shown < len(names) - 1 else 0):
            others = len(names) - shown
            lines.append(f"… et {format_number(others)} {agree(others, 'autre')}, voir le tableau")
            break
        lines.extend(wrapped)
    return lines or ["(aucun)"]


def actor_map(
    *,
    dom_id: str,
    title: str,
    quadrants: Sequence[tuple[str, str, str, Sequence[str]]],
) -> SafeString:
    """Four labelled quadrants (interest across, influence up), each actor's name written in its
    own. ``quadrants`` are (code, label, hint, names) in the order: top-left (little interest,
    much influence), top-right, bottom-left, bottom-right. Black on white, the axes named in
    words: it reads without colour; ``<desc>`` lists every actor in full."""
    cells = [
        (code, label, hint, names, _cell_lines(names)) for code, label, hint, names in quadrants
    ]
    cell_w = (MAP_WIDTH - MAP_LEFT - 2) / 2
    heights = [
        max(44 + LINE * len(cells[i][4]), 44 + LINE * len(cells[i + 1][4]), 96) for i in (0, 2)
    ]
    height = 2 + heights[0] + heights[1] + MAP_BOTTOM
    described = " ".join(
        f"{label} ({hint}) : {', '.join(names) if names else 'aucun acteur'}."
        for _, label, hint, names in quadrants
    )
    desc = f"Carte intérêt × influence. {described}"
    parts = [
        f'<svg class="cotri-actor-map-chart" role="img" viewBox="0 0 {MAP_WIDTH} {height}" '
        f'width="{MAP_WIDTH}" height="{height}" aria-labelledby="{dom_id}-t {dom_id}-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="Marianne, Arial, sans-serif" '
        f'font-size="12" fill="#161616">',
        f'<title id="{dom_id}-t">{escape(title)}</title>',
        f'<desc id="{dom_id}-d">{escape(desc)}</desc>',
    ]
    for index, (code, label, hint, _, lines) in enumerate(cells):
        x = MAP_LEFT + (index % 2) * cell_w
        y = 1 + (heights[0] if index >= 2 else 0)
        h = heights[index // 2]
        engaged = code == "engager"
        parts += [
            f'<g class="cotri-quadrant" data-quadrant="{escape(code)}">',
            f'<rect x="{x:.1f}" y="{y}" width="{cell_w:.1f}" height="{h}" '
            f'fill="{"#f5f5fe" if engaged else "#fff"}" stroke="{GREY}" '
            f'stroke-width="{2 if engaged else 1}"/>',
            f'<text x="{x + CELL_PAD:.1f}" y="{y + 18}" font-weight="bold" font-size="14">'
            f"{escape(label)}</text>",
            f'<text x="{x + CELL_PAD:.1f}" y="{y + 33}" font-size="11" font-style="italic">'
            f"{escape(hint)}</text>",
        ]
        for row, text in enumerate(lines):
            parts.append(
                f'<text x="{x + CELL_PAD:.1f}" y="{y + 52 + LINE * row}" '
                f'xml:space="preserve">{escape(text)}</text>'
            )
        parts.append("</g>")
    bottom = 1 + heights[0] + heights[1]
    middle = 1 + heights[0]
    parts += [
        # Influence, up the left side; interest, along the bottom.
        f'<text x="14" y="{middle}" transform="rotate(-90 14 {middle})" text-anchor="middle" '
        'font-weight="bold">Influence →</text>',
        f'<text x="{MAP_LEFT - 4}" y="14" text-anchor="end" font-size="11">forte</text>',
        f'<text x="{MAP_LEFT - 4}" y="{bottom - 4}" text-anchor="end" font-size="11">faible</text>',
        f'<text x="{MAP_LEFT + cell_w:.1f}" y="{bottom + 20}" text-anchor="middle" '
        'font-weight="bold">Intérêt →</text>',
        f'<text x="{MAP_LEFT}" y="{bottom + 20}" font-size="11">faible</text>',
        f'<text x="{MAP_WIDTH - 2}" y="{bottom + 20}" text-anchor="end" font-size="11">fort</text>',
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
