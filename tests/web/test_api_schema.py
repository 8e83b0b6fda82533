"""The OpenAPI document tells the truth: schemathesis fuzzes every operation against it.

schemathesis' pytest integration (`schema.parametrize()`) reads a pytest-internal attribute
that pytest 9 removed, so the cases come from its Hypothesis strategy under a plain `@given`.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.web.api_tokens import bearer_for
from tests.web.partner_scenario import build_scenario


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_openapi_document(app, program, mode):
    build_scenario(program)
    # Uncompressed answers: schemathesis reads the body of a WSGI response as it comes.
    headers = bearer_for(program.partner_a_user) | {"Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    @given(case=schema.as_strategy(generation_mode=mode))
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        # The examples only read, so they can share this test's database.
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def conforms(case):
        case.call_and_validate(headers=headers)

    conforms()
