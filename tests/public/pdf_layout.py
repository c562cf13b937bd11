"""Reading a rendered PDF back: its structure tree (pypdf) and the text of each page (pdftotext).

Used by the PDF quality tests: no heading ends a page, a chart's caption is on the page of its
table, the document is tagged with its language and metadata.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

HEADINGS = {"/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}
# A4 in points and the print stylesheet's top and bottom page margins (20 mm, 18 mm): the body
# area, without the running header and footer.
PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89
BODY_TOP, BODY_BOTTOM = 20 / 25.4 * 72, PAGE_HEIGHT - 18 / 25.4 * 72


def normal(text: str) -> str:
    """Whitespace collapsed, no-break spaces as spaces, case folded (text-transform is visual)."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split()).casefold()


# --- Structure tree -------------------------------------------------------------------------------


@dataclass
class Content:
    """One piece of marked content of the structure tree: the tags from the root down to it."""

    page: int
    tags: tuple[str, ...]

    @property
    def heading(self) -> str | None:
        """The heading this content belongs to (``"/H2"``…), ``"/Caption"`` for a table's
        caption (it heads its table), else None."""
        if "/Table" in self.tags and "/Caption" in self.tags:
            return "/Caption"
        return next((t for t in self.tags if t in HEADINGS), None)


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def structure_contents(reader: PdfReader) -> list[Content]:
    """Every marked content of the structure tree in document order, with its page (0-based)
    and the structure types above it (e.g. ``("/Document", "/Sect", "/H2", "/Span")``)."""
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    root = _resolve(reader.trailer["/Root"]["/StructTreeRoot"])
    found: list[Content] = []

    def walk(node, tags: tuple[str, ...], page: int | None) -> None:
        node = _resolve(node)
        if isinstance(node, int):  # a marked-content id on the element's page
            found.append(Content(page, tags))
            return
        if not isinstance(node, DictionaryObject):
            return
        if node.get("/Type") == "/OBJR":  # an annotation (a link): not content of the page
            return
        if "/Pg" in node:
            page = pages[node.raw_get("/Pg").idnum]
        if node.get("/Type") == "/MCR":
            found.append(Content(page, tags))
            return
        if "/S" in node:
            tags = (*tags, str(node["/S"]))
        kids = node.get("/K")
        kids = _resolve(kids)
        for kid in kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []:
            walk(kid, tags, page)

    walk(root, (), None)
    return found


def pages_ending_with_a_heading(data: bytes) -> dict[int, str]:
    """Pages (1-based, the last page excepted) whose last marked content, in the structure
    tree, belongs to a heading or a table caption: ``{page: "/H3"}``. The running header and
    footer are not in the tree."""
    reader = PdfReader(io.BytesIO(data))
    last: dict[int, Content] = {}
    for content in structure_contents(reader):
        last[content.page] = content
    return {
        page + 1: content.heading
        for page, content in sorted(last.items())
        if content.heading and page + 1 < len(reader.pages)
    }


# --- Text of the pages ----------------------------------------------------------------------------


def page_texts(data: bytes, *, body_only: bool = False) -> list[str]:
    """The text of each page (pdftotext); with ``body_only``, the lines of the body from top to
    bottom (``-layout``), without the running header and footer (the page margins are cropped)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(data)
        count = len(PdfReader(io.BytesIO(data)).pages)
        crop = []
        if body_only:
            top, height = int(BODY_TOP) + 1, int(BODY_BOTTOM - BODY_TOP) - 1
            crop = ["-layout", "-x", "0", "-y", str(top), "-W", str(int(PAGE_WIDTH) + 1)]
            crop += ["-H", str(height)]
        texts = []
        for page in range(1, count + 1):
            texts.append(
                subprocess.run(
                    ["pdftotext", "-f", str(page), "-l", str(page), *crop, str(path), "-"],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
    return texts


def heading_texts(source: str) -> list[str]:
    """The texts of the HTML's headings (h1–h6), table captions and one-line sub-headings
    (``cotri-subhead``), normalised."""
    found = re.findall(r"<(h[1-6]|caption)\b[^>]*>(.*?)</\1>", source, flags=re.S)
    found += re.findall(r'<(p) class="[^"]*cotri-subhead[^"]*">(.*?)</p>', source, flags=re.S)
    return [normal(html.unescape(re.sub(r"<[^>]+>", " ", text))) for _, text in found]


def pages_ending_with_heading_text(data: bytes, source: str) -> dict[int, str]:
    """Pages (1-based, the last page excepted) whose last lines of body text are one of the
    HTML's headings (wrapped on up to 4 lines): ``{page: heading text}``."""
    headings = set(heading_texts(source))
    texts = page_texts(data, body_only=True)
    lone = {}
    for number, text in enumerate(texts[:-1], 1):
        lines = [normal(line) for line in text.splitlines() if line.strip()]
        for count in range(1, min(4, len(lines)) + 1):
            tail = " ".join(lines[-count:])
            if tail in headings:
                lone[number] = tail
                break
    return lone


def pages_of(data: bytes, needles: list[str]) -> dict[str, list[int]]:
    """For each text, the pages (1-based) where it appears (whitespace and case ignored)."""
    texts = [normal(t) for t in page_texts(data)]
    return {
        needle: [n for n, text in enumerate(texts, 1) if normal(needle) in text]
        for needle in needles
    }
