"""One local Spark session for every Spark test (a JVM start costs ~10 s)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Spark tests need Java 17+ in CI (scripts/ci_services.sh installs it)")
        pytest.skip("no Java found: install openjdk-17-jre-headless to run the Spark tests")
    from seawarden.scale.spark_batch import local_session

    session = local_session(cores=2, shuffle_partitions=4, app="seawarden-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
