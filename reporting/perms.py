"""Who may do what with campaigns (the one place to ask; rights come from contracts.perms).

Who sees a report is who sees its contract: the views filter with
``contracts.perms.contracts_visible_to``.
"""

from contracts.perms import can_report_on_contract, is_officer

__all__ = ["can_manage_campaigns", "can_submit_report"]


def can_manage_campaigns(user) -> bool:
    """Open, close, review campaigns and unlock entries: officers only."""
    return is_officer(user)


def can_submit_report(user, report) -> bool:
    """The contract's chefs de projet mark its report complete."""
    return can_report_on_contract(user, report.contract)
