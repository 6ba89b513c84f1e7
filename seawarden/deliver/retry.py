"""When to try a failed delivery again, and when to give up (dead letter).

Exponential back-off with jitter, capped: a receiver that is down for minutes is not hammered, many
alerts failing at once do not retry in lock-step, and an unreachable receiver ends in the dead-letter
list after ``max_attempts`` where an operator sees it, instead of retrying for ever.
"""

import random

from pydantic import BaseModel, ConfigDict, Field


class RetryPolicy(BaseModel):
    """Back-off schedule; the defaults reach the cap after 7 attempts and give up after 10 (~1 h)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_delay_s: float = Field(5.0, gt=0, description="Delay after the first failed attempt.")
    factor: float = Field(2.0, ge=1.0, description="Growth of the delay per further failed attempt.")
    max_delay_s: float = Field(600.0, gt=0, description="Cap on one delay.")
    jitter: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Fraction of the delay that is randomised (subtracted), to spread retries.",
    )
    max_attempts: int = Field(10, ge=1, description="Attempts in all, the first included; then dead letter.")

    def delay(self, attempt: int, rand: float = 0.0) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based); ``rand`` in [0, 1)."""
        exponent = max(attempt, 1) - 1
        try:
            raw = self.base_delay_s * self.factor**exponent
        except OverflowError:  # attempt numbers in the thousands: long past the cap anyway
            raw = self.max_delay_s
        capped = min(raw, self.max_delay_s)
        return capped * (1.0 - self.jitter * min(max(rand, 0.0), 1.0))

    def next_attempt(self, attempt: int, now: float, rng: random.Random | None = None) -> float | None:
        """Epoch time of the next try after failed attempt ``attempt`` (1-based), or None: dead letter.

        Pure apart from the jitter source; pass a seeded ``random.Random`` for reproducible schedules.
        """
        if attempt >= self.max_attempts:
            return None
        rand = (rng or random).random() if self.jitter else 0.0
        return now + self.delay(attempt, rand)
