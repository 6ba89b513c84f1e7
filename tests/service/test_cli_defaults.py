"""The CLI mirrors the service's demo default without importing the service at start-up."""

from seawarden.cli.serve import DEMO_SPEED
from seawarden.service.demo import DEFAULT_SPEED


def test_demo_speed_default_is_the_services() -> None:
    assert DEMO_SPEED == DEFAULT_SPEED
