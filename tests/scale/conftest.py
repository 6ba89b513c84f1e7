"""One local Spark session for every Spark test (a JVM start costs ~10 s)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    pytest.importorskip("pyspark")
    from seawarden.scale.spark_batch import local_session

    session = local_session(cores=2, shuffle_partitions=4, app="seawarden-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
