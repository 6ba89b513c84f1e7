"""Watch-list mirror and areas of interest."""

import pytest

from seawarden.store import Store
from seawarden.watchlist import WatchlistEntry

ESTLINK_BOX = {
    "type": "Polygon",
    "coordinates": [[[25.4, 59.4], [27.1, 59.4], [27.1, 60.3], [25.4, 60.3], [25.4, 59.4]]],
}


def test_watchlist_round_trip_and_replace(store: Store) -> None:
    eagle = WatchlistEntry(
        id="imo:9329760",
        imo=9329760,
        mmsis=[518998000],
        names=["EAGLE S", "AGRENI"],
        flag="Cook Islands",
        vessel_type="Oil tanker",
        reason="EU shadow fleet listing",
        sources=["eu-2025-21"],
        listed_since="2025-05-20",
    )
    other = WatchlistEntry(id="name:jin-hui", names=["JIN HUI"], reason="under investigation")
    assert store.save_watchlist([eagle, other], actor="admin") == 2
    assert store.watchlist() == [eagle, other]
    store.save_watchlist([eagle], actor="admin", replace=True)
    assert [e.id for e in store.watchlist()] == ["imo:9329760"]
    assert store.delete_watchlist_entry("imo:9329760", actor="admin")
    assert store.watchlist() == []
    assert [e.action for e in store.audit_log(limit=3)] == [
        "watchlist.delete",
        "watchlist.replace",
        "watchlist.upsert",
    ]


def test_areas_are_validated_and_stored(store: Store) -> None:
    area = store.save_area(
        "gof-estlink2", "Estlink 2 corridor", ESTLINK_BOX, actor="admin", properties={"x": 1}
    )
    assert store.areas() == [area]
    renamed = store.save_area(
        "gof-estlink2", "Estlink 2", {"type": "Feature", "geometry": ESTLINK_BOX}, "admin"
    )
    assert [a.name for a in store.areas()] == [renamed.name]
    with pytest.raises(ValueError, match="Polygon"):
        store.save_area("p", "point", {"type": "Point", "coordinates": [25, 60]}, "admin")
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValueError, match="invalid"):
        store.save_area("b", "bow-tie", bowtie, "admin")
    with pytest.raises(ValueError, match="not GeoJSON"):
        store.save_area("j", "junk", "{not json", "admin")
    assert store.delete_area("gof-estlink2", actor="admin")
    assert store.areas() == []
