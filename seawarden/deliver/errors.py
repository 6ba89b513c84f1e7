"""The one error a channel raises, so the dispatcher can decide retry versus dead letter.

Channels translate their library's many exceptions into this, because only the channel knows whether
a failure can heal by itself (a broker restart, a 503) or never will (a 400, a refused recipient).
"""


class DeliveryError(Exception):
    """A send that did not reach the receiver.

    ``retryable`` says whether the same send may succeed later; ``retry_after_s`` is the receiver's own
    hint (HTTP ``Retry-After``), honoured by the dispatcher when it is later than its back-off.
    """

    def __init__(self, retryable: bool, detail: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(detail)
        self.retryable = retryable
        self.detail = detail
        self.retry_after_s = retry_after_s

    def __repr__(self) -> str:
        return f"DeliveryError(retryable={self.retryable}, detail={self.detail!r})"
