from __future__ import annotations

import os

import pytest
from hypothesis import settings

# CI explores the same examples every run (a red CI is then reproducible, not a dice roll);
# developers' runs stay random and keep finding new cases.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite fixtures/expected/*.json from the extractor's output (review the diff)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


_SECRET_HEADERS = ("authorization", "proxy-authorization", "cookie", "x-api-key")


def _drop_response_cookies(response: dict[str, object]) -> dict[str, object]:
    """Cassettes never keep Set-Cookie (a recorded session would be a credential)."""
    headers = response.get("headers")
    if isinstance(headers, dict):
        for name in [name for name in headers if name.lower() == "set-cookie"]:
            del headers[name]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, object]:
    """pytest-recording: request cookie/auth headers and response cookies are not recorded.
    Cassettes live in tests/cassettes/<module>/<test>.yaml; the record mode is `none` unless
    a run passes --record-mode (e.g. `once` to record a missing cassette)."""
    return {
        "filter_headers": [(name, None) for name in _SECRET_HEADERS],
        "before_record_response": _drop_response_cookies,
        "decode_compressed_response": True,
    }

