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
- ``contract_simulate(*, contract, levels)``: « et si… », an unsaved evaluation with
  hypothetical levels for some indicators (same loading, same rules); writes nothing.
- ``evaluation_decide(*, evaluation, by)``: the amount becomes the bonus tranche's planned amount
  (refused when ``evaluation_inputs_changed``); ``contract_entries_under_review`` counts the
  entries still submitted or returned. ``Evaluation.objects.stale()`` lists stale snapshots.
- ``evaluation_to_json(evaluation)``: the JSON of interfaces.md; ``evaluation_summary_fr``;
  ``evaluation_to_public_json`` / ``evaluation_is_public``: what the public reads (a
  configuration error is « Évaluation du bonus non disponible »).
- ``default_as_of(contract, today)``: the earlier of today and the contract's end.

Which entries count: validated ones dated on or before the evaluation date (their review time
breaks ties of ``latest`` indicators); submitted ones on or before it are shown as pending.
"""

from .decide import contract_entries_under_review, evaluation_decide, evaluation_inputs_changed
from .loading import default_as_of
from .output import (
    UNAVAILABLE_FR,
    evaluation_headline_fr,
    evaluation_is_public,
    evaluation_summary_fr,
    evaluation_to_json,
    evaluation_to_public_json,
    objective_rows_fr,
)
from .service import (
    contract_evaluate,
    contract_evaluation_preview,
    contracts_evaluate,
    contracts_evaluation_preview,
    contracts_latest_evaluation,
)
from .simulate import SimulationError, contract_simulate

__all__ = [
    "SimulationError",
    "contract_entries_under_review",
    "evaluation_inputs_changed",
    "UNAVAILABLE_FR",
    "contract_evaluate",
    "contract_evaluation_preview",
    "contract_simulate",
    "contracts_evaluate",
    "contracts_evaluation_preview",
    "contracts_latest_evaluation",
    "default_as_of",
    "evaluation_decide",
    "evaluation_headline_fr",
    "evaluation_is_public",
    "evaluation_summary_fr",
    "evaluation_to_json",
    "evaluation_to_public_json",
    "objective_rows_fr",
]
