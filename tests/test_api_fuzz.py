"""Schemathesis fuzzes the JSON API from its own OpenAPI schema, on the demo
data: valid and invalid input, with a token or without, never gets a server
error, and every answer fits the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from sqlmodel import select

from assess.db import session
from assess.models import Response
from assess.services.accounts import create_api_token, find_user
from assess.services.demo import DEMO_EMAIL
from tests.helpers import run, settings_for

pytestmark = pytest.mark.db
BOUNDED = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture(scope="module")
def demo_app(module_database, tmp_path_factory):
    """The demo data, made once for the module: the API only reads."""
    from assess.app import create_app

    config = settings_for(module_database("api"), tmp_path_factory.mktemp("api") / "data")
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert run(monkeypatch, config, "demo").exit_code == 0
    application = create_app(config)
    with session(application.state.context.engine) as db:
        application.state.fuzz_token = create_api_token(db, "fuzz", find_user(db, DEMO_EMAIL))
        application.state.submitted_id = db.exec(
            select(Response.id).where(Response.status == "approved")
        ).first()
    yield application
    application.state.context.engine.dispose()


def operations(app):
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 4
    return found


def cases(operation, mode, app):
    """Generated cases, and half of them again aimed at rows that exist."""
    real = {
        name: value
        for name, value in (("round_id", 1), ("response_id", app.state.submitted_id))
        if operation.get_parameter(name, "path") is not None
    }
    strategies = [operation.as_strategy(generation_mode=mode)]
    if real and mode is GenerationMode.POSITIVE:
        strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=real))
    return st.one_of(strategies)


def statuses_of(operation, mode, app, auth) -> set[int]:
    """Call one operation with generated cases; every answer must be as the schema says."""
    seen: set[int] = set()

    @BOUNDED
    @given(case=cases(operation, mode, app))
    def call(case):
        response = case.call(headers=auth)
        seen.add(response.status_code)
        assert response.status_code < 500, f"{case.as_curl_command()}\n{response.text}"
        if mode is GenerationMode.POSITIVE:
            case.validate_response(
                response,
                checks=[
                    schemathesis.checks.not_a_server_error,
                    schemathesis.checks.response_schema_conformance,
                    schemathesis.checks.content_type_conformance,
                ],
            )
        else:
            # 400: characters no database keeps (a NUL, say), refused before the route
            assert response.status_code in (200, 400, 401, 404, 405, 422), case.as_curl_command()

    call()
    return seen


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_api_with_a_token(demo_app, mode):
    auth = {"Authorization": f"Bearer {demo_app.state.fuzz_token}"}
    for operation in operations(demo_app):
        if mode is GenerationMode.NEGATIVE and not list(operation.iter_parameters()):
            continue  # nothing to get wrong
        seen = statuses_of(operation, mode, demo_app, auth)
        if mode is GenerationMode.POSITIVE:
            assert 200 in seen, f"{operation.label}: no call reached real data ({seen})"
        else:
            assert 422 in seen, f"{operation.label}: no invalid call was refused as such ({seen})"


def test_api_without_a_token(demo_app):
    for operation in operations(demo_app):

        @BOUNDED
        @given(case=cases(operation, GenerationMode.POSITIVE, demo_app))
        def call(case):
            response = case.call()
            assert response.status_code == 401, f"{case.as_curl_command()}\n{response.text}"

        call()


@pytest.mark.parametrize(
    "url",
    [
        "/api/rounds/1/responses?offset=%00",
        "/api/rounds/1/responses?limit=1%00",
        "/api/rounds%00/1/responses",
        "/api/rounds/99999999999999999999/responses",
        "/api/rounds/2147483648/responses",
        "/api/rounds/1/responses?offset=99999999999999999999",
        "/api/rounds/1/responses?limit=-1",
        "/api/responses/" + "9" * 4301,
        "/api/responses/1%C0%80",
        "/api/responses/1/sdg?x=%ED%A0%80",  # an encoded lone surrogate
    ],
)
def test_api_refuses_nul_and_out_of_range_values_in_json(demo_app, url):
    from tests.helpers import Client

    auth = {"Authorization": f"Bearer {demo_app.state.fuzz_token}"}
    client = Client(demo_app)
    try:
        reply = client.get(url, headers=auth)
    finally:
        client.close()
    assert reply.status_code in (200, 400, 404, 422), (url, reply.status_code)
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.status_code == 200 or "detail" in reply.json()  # refused in JSON, saying why
