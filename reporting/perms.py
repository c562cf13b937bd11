"""Who may do what with campaigns (the one place to ask; rights come from contracts.perms)."""

from contracts.perms import can_report_on_contract, can_view_contract, is_officer

__all__ = ["can_manage_campaigns", "can_submit_report", "can_view_report"]


def can_manage_campaigns(user) -> bool:
    """Open, close, review campaigns and unlock entries: officers only."""
    return is_officer(user)


def can_view_report(user, report) -> bool:
    return can_view_contract(user, report.contract)


def can_submit_report(user, report) -> bool:
    """The contract's chefs de projet mark its report complete."""
    return can_report_on_contract(user, report.contract)
