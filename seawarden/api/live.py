"""What the API needs from the running pipeline (the service implements it; tests use a fake)."""

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class LiveView(Protocol):
    """The running pipeline's current picture, for the map and vessel dossiers.

    Both methods are called from API worker threads while the pipeline runs: they must return
    snapshots (copies), never live state.
    """

    def vessels(self) -> list[dict[str, Any]]:
        """Current positions + risk of tracked vessels: ``{mmsi, lat, lon, sog, cog, heading, name,
        risk, time}`` each."""
        ...

    def vessel(self, mmsi: int) -> dict[str, Any] | None:
        """Identity, identity history, risk + breakdown, monitoring state and recent track of one
        vessel; None when it is not tracked."""
        ...
