"""Funders named by people: one resolver for every door (contract documents, admin, API).

A funder is named by its code (« REGION ») or its official name (« Région Hauts-de-France »);
case, accents and repeated spaces are ignored (« region hauts-de-france », « RÉGION »).
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

from funding.models import Funder


def funder_key(text: str) -> str:
    """The comparison key of a funder's code or name: no accents, case-folded, spaces collapsed.

    « Région  Hauts-de-France » → ``"region hauts-de-france"``.
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


class FunderIndex:
    """Every funder by the key of its code and of its official name (one query, then none)."""

    def __init__(self, funders=None):
        self.funders = list(Funder.objects.all() if funders is None else funders)
        self.by_key: dict[str, Funder] = {}
        for funder in self.funders:
            self.by_key.setdefault(funder_key(funder.code), funder)
            self.by_key.setdefault(funder_key(funder.name), funder)

    def known(self) -> str:
        """« ADEME (ADEME Hauts-de-France) et REGION (Région Hauts-de-France) » — for messages."""
        if not self.funders:
            return "aucun financeur n'est défini (Administration › Financeurs)"
        names = [f"{f.code} ({f.name})" for f in sorted(self.funders, key=lambda f: f.code)]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} et {names[-1]}"

    def resolve(self, value: str) -> Funder:
        """The funder named ``value``; ``ValidationError`` (French, listing the known funders)."""
        funder = self.by_key.get(funder_key(value)) if isinstance(value, str) else None
        if funder is None:
            raise ValidationError(
                f"financeur inconnu « {value} » : les financeurs connus sont {self.known()}",
                code="unknown_funder",
            )
        return funder


def funder_resolve(value: str) -> Funder:
    """The funder whose code or official name is ``value`` (case and accents ignored).

    Raises ``ValidationError`` whose French message lists the known funders (code and name).
    """
    return FunderIndex().resolve(value)


def funder_clashes(funder: Funder) -> str | None:
    """A French message when another funder answers to ``funder``'s code or name, else None."""
    keys = {funder_key(funder.code), funder_key(funder.name)}
    for other in Funder.objects.exclude(pk=funder.pk):
        if keys & {funder_key(other.code), funder_key(other.name)}:
            return (
                f"« {other.name} » ({other.code}) porte déjà ce code ou ce nom "
                "(majuscules et accents ignorés) : un document de contrat ne saurait pas lequel "
                "choisir."
            )
    return None


def funder_names() -> dict[str, str]:
    """{code: official name} of every funder (one query), for displays of totals by funder."""
    return dict(Funder.objects.values_list("code", "name"))
