"""Spreadsheet formula injection (OWASP « CSV injection »): the one rule, both ways.

A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is run as a formula by
spreadsheet software. Exports prefix such texts with an apostrophe (``neutralise``); the progress
import takes it off the free-text ``comment`` again (``restore``) so that an exported file
imported back keeps its comments. Pure Python: any layer may import it.
"""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text that no spreadsheet runs as a formula; harmless texts are returned unchanged.

    Idempotent: a neutralised text starts with an apostrophe, which triggers nothing, so the
    admin's resources and the file writers may both apply it.
    """
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo ``neutralise``: ``restore(neutralise(t)) == t`` unless ``t`` itself starts with an
    apostrophe and a trigger (``'=1`` reads back as ``=1``: it was exported as ``'=1`` too).
    """
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text
