"""Signals the indicators core sends so higher apps (funding: evaluations) can react.

The core never imports a higher app; it announces what changed instead.
"""

from django.dispatch import Signal

# Sent when progress entries were created or changed in bulk (imports: after their commit;
# reviews: inside their transaction), with ``contract_ids``: the set of contracts whose entries
# changed. Receivers defer their work to the commit when one is pending.
progress_changed = Signal()
