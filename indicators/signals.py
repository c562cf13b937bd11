"""Signals the indicators core sends so higher apps (funding: evaluations) can react.

The core never imports a higher app; it announces what changed instead.
"""

from django.dispatch import Signal

# Sent after a transaction that created or changed progress entries in bulk (imports), with
# ``contract_ids``: the set of contracts whose entries changed.
progress_changed = Signal()
