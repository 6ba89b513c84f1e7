"""The store takes the AlertManager's output as it is: ids stable, versions growing, replays no-ops."""

from seawarden.alerts import AlertManager
from seawarden.store import SaveOutcome, Store
from seawarden.types import AlertKind, Event
from tests.store.conftest import T0


def _events() -> list[Event]:
    return [
        Event(
            kind=AlertKind.ANCHOR_DRAG_SUSPECTED,
            mmsi=518998000,
            time=T0 + 600 * n,
            lat=59.70 + 0.01 * n,
            lon=25.90,
            score=0.6 + 0.1 * n,
            infrastructure="estlink-2" if n < 2 else "elisa-fi-ee",
            detail={"speed_kn": 6.0 - n},
            explanation="slowed to 6 kn while heading over the cable",
        )
        for n in range(4)
    ]


def test_manager_alerts_are_stored_once_per_version_and_replays_change_nothing(store: Store) -> None:
    manager = AlertManager()
    emitted = [a for e in _events() for a in manager.ingest([e], None)]
    assert len({a.id for a in emitted}) == 1 and len(emitted) >= 2
    outcomes = [store.save_alert(a).outcome for a in emitted]
    assert outcomes == [SaveOutcome.STORED] * len(emitted)

    replay = AlertManager()  # a restart replays the same input: same ids and versions
    again = [store.save_alert(a).outcome for e in _events() for a in replay.ingest([e], None)]
    assert again[-1] is SaveOutcome.DUPLICATE  # the same latest version
    assert set(again[:-1]) == {SaveOutcome.STALE}  # older than what is stored: ignored

    store.create_org("jef", "JEF", ["JEF"])
    stored = store.get_alert("jef", emitted[0].id)
    assert stored is not None and stored.version == emitted[-1].version
    assert stored.record == emitted[-1].to_dict()
    total = sum(sum(states.values()) for states in store.outbox_counts().values())
    assert total == len(emitted) * len(store.channels)
