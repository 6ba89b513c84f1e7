import random

from hypothesis import given
from hypothesis import strategies as st

from seawarden.deliver import RetryPolicy


def test_schedule_grows_exponentially_then_caps():
    policy = RetryPolicy(base_delay_s=5, factor=2, max_delay_s=60, jitter=0, max_attempts=10)
    delays = [policy.next_attempt(a, 1000.0) - 1000.0 for a in range(1, 8)]
    assert delays == [5, 10, 20, 40, 60, 60, 60]


def test_dead_letter_after_max_attempts():
    policy = RetryPolicy(max_attempts=3, jitter=0)
    assert policy.next_attempt(1, 0.0) is not None
    assert policy.next_attempt(2, 0.0) is not None
    assert policy.next_attempt(3, 0.0) is None
    assert RetryPolicy(max_attempts=1).next_attempt(1, 0.0) is None


def test_seeded_jitter_is_reproducible_and_spreads():
    policy = RetryPolicy(base_delay_s=10, jitter=0.5, max_attempts=5)
    first = [policy.next_attempt(1, 0.0, random.Random(7)) for _ in range(3)]
    assert first[0] == first[1] == first[2]
    spread = {policy.next_attempt(1, 0.0, random.Random(seed)) for seed in range(20)}
    assert len(spread) > 10


@given(
    attempt=st.integers(1, 500),
    rand=st.floats(0, 1),
    base=st.floats(0.1, 100),
    factor=st.floats(1, 10),
    cap=st.floats(1, 10_000),
    jitter=st.floats(0, 1),
)
def test_delay_is_bounded(attempt, rand, base, factor, cap, jitter):
    policy = RetryPolicy(base_delay_s=base, factor=factor, max_delay_s=cap, jitter=jitter, max_attempts=1000)
    delay = policy.delay(attempt, rand)
    assert 0 <= delay <= cap
    try:
        uncapped = base * factor ** (attempt - 1)
    except OverflowError:
        uncapped = cap
    assert delay >= min(uncapped, cap) * (1 - jitter) * (1 - 1e-9) - 1e-9
