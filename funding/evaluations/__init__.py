"""Year-3 bonus evaluations: load a contract's data, run the pure rules, store the snapshot.

Public API (keyword-only services):

- ``contract_evaluate(*, contract, as_of=None, by=None) -> Evaluation`` and
  ``contracts_evaluate(*, contracts, as_of=None, by=None) -> list[Evaluation]``: evaluate and
  store; the same inputs give back the stored snapshot (``evaluation.created`` tells which).
  Queries do not grow with objectives, indicators or entries (chunks of 1 000 contracts).
- ``contract_evaluation_preview(*, contract, as_of=None)``: the stored snapshot for the current
  inputs, or an unsaved one; writes nothing. ``contracts_evaluation_preview(*, contracts,
  as_of=None)``: the same for many contracts in a few queries; ``contracts_latest_evaluation(*,
  contracts)``: the latest stored snapshot at today's date, else that preview (files, lists).
- ``evaluation_decide(*, evaluation, by)``: the amount becomes the bonus tranche's planned amount.
- ``evaluation_to_json(evaluation)``: the JSON of interfaces.md; ``evaluation_summary_fr``.
- ``default_as_of(contract, today)``: the earlier of today and the contract's end.

Which entries count: validated ones dated on or before the evaluation date (their review time
breaks ties of ``latest`` indicators); submitted ones on or before it are shown as pending.
"""

from .decide import evaluation_decide
from .loading import default_as_of
from .output import (
    evaluation_headline_fr,
    evaluation_summary_fr,
    evaluation_to_json,
    objective_rows_fr,
)
from .service import (
    contract_evaluate,
    contract_evaluation_preview,
    contracts_evaluate,
    contracts_evaluation_preview,
    contracts_latest_evaluation,
)

__all__ = [
    "contract_evaluate",
    "contract_evaluation_preview",
    "contracts_evaluate",
    "contracts_evaluation_preview",
    "contracts_latest_evaluation",
    "default_as_of",
    "evaluation_decide",
    "evaluation_headline_fr",
    "evaluation_summary_fr",
    "evaluation_to_json",
    "objective_rows_fr",
]
