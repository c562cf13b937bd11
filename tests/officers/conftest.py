"""The personas of tests/espace (chefs of territories A and B, a lecteur of A), reused here."""

from tests.espace.conftest import (  # noqa: F401  (fixtures)
    chef_a,
    chef_b,
    contract_a,
    contract_b,
    indicator_a,
    indicator_b,
    proconnect,
    reader_a,
)
