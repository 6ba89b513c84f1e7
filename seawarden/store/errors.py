"""Store errors: each message says what went wrong and what to do about it."""


class StoreError(RuntimeError):
    """The database cannot be used (unreachable, wrong URL, missing PostGIS, newer schema...)."""


class NotFound(LookupError):
    """No such object, or the caller's organisation may not see it (the two are not told apart)."""


class PermissionDenied(PermissionError):
    """The caller's role does not allow the change (viewers only read)."""


class InvalidTransition(ValueError):
    """A lifecycle change that does not follow new -> acknowledged -> escalated -> closed."""
