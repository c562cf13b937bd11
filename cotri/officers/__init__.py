"""The officers' own pages inside /admin/: their home (what waits for them) and the accounts of
chefs de projet and lecteurs (invitations, roles, accesses), all logged."""
