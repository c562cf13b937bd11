"""Property-based checks of the API against its own OpenAPI schema (schemathesis).

Every operation is called with generated parameters (a bounded number of examples, so that the
module runs in well under a minute) on a small published dataset: no answer is a server error,
and every answer is documented (status code, content type) and matches its schema.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cotri.api.tokens import api_token_create

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def _keep_test_connection():
    """Like Django's test client: a WSGI request must not close the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_test_connection")
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, dataset, chef):
    # Writes are tried with a chef de projet's token; reads anonymously.
    headers = {"Authorization": f"Bearer {_token(chef)}"} if case.method == "POST" else {}
    case.call_and_validate(headers=headers, checks=CHECKS)


def _token(user) -> str:
    if not hasattr(user, "_api_key"):
        user._api_key = api_token_create(user=user, name="schemathesis")[1]
    return user._api_key
