"""Property-based run of the OpenAPI document against the ASGI app: no request may cause a 5xx."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.api.conftest import build_world

MAX_EXAMPLES = 4  # per operation: ~30 operations, a few seconds in all


def _exercise(operation, token: str, calls: dict[str, int], failures: list[str]) -> None:
    """Generated requests for one operation (as an admin, so role checks do not hide the handlers)."""

    @settings(
        max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(case=operation.as_strategy())
    def check(case) -> None:
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        calls[operation.label] = calls.get(operation.label, 0) + 1
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except Exception as exc:  # collect every failing operation, not just the first
            failures.append(f"{operation.label}: {str(exc)[:300]}")
            raise

    try:
        check()
    except Exception as exc:  # recorded above, or the generator's own problem: record it too
        if not failures or operation.label not in failures[-1]:
            failures.append(f"{operation.label}: could not run: {str(exc)[:300]}")


def test_no_server_errors_from_generated_requests(tmp_path, geo, seed):
    world = build_world(tmp_path, geo, seed)
    token = world.tokens[("fi-navy", "admin")]
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    failures: list[str] = []
    calls: dict[str, int] = {}
    with world.client:
        for result in schema.get_all_operations():
            _exercise(result.ok(), token, calls, failures)
    world.store.close()
    assert not failures, "\n".join(failures)
    assert len(calls) >= 25, sorted(calls)  # every operation was exercised
