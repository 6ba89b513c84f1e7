import pytest

from seawarden.geo import GeoContext


@pytest.fixture(scope="session")
def geo() -> GeoContext:
    return GeoContext.default()
