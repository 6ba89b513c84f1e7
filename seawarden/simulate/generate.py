"""Run a resolved scenario: every vessel's reports merged in time order, as tagged NMEA lines."""

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from seawarden.simulate.nmea import SentenceEncoder
from seawarden.simulate.scenario import Scenario, vessel_seed
from seawarden.simulate.vessel import SimFix, StaticReport, VesselSimulator


@dataclass
class Simulation:
    """The reports of one scenario run; ``fixes`` per original MMSI keeps the true track for tests."""

    scenario: Scenario
    reports: list[SimFix | StaticReport]
    fixes: dict[int, list[SimFix]] = field(default_factory=dict)

    @property
    def start(self) -> float:
        return self.reports[0].t if self.reports else self.scenario.start

    @property
    def end(self) -> float:
        return self.reports[-1].t if self.reports else self.scenario.start

    def lines(self) -> Iterator[str]:
        """Tagged NMEA lines in time order (deterministic: encoder state advances in report order)."""
        return SentenceEncoder().encode_all(self.reports)

    def write(self, path: str | Path) -> int:
        """Write the NMEA file (LF line ends); returns the number of lines."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        count = 0
        with path.open("w", encoding="ascii", newline="\n") as out:
            for line in self.lines():
                out.write(line + "\n")
                count += 1
        return count


def simulate(scenario: Scenario) -> Simulation:
    """Simulate all vessels; background reports are clipped to the span of the subject vessels."""
    streams: list[list[tuple[float, int, int, SimFix | StaticReport]]] = []
    fixes: dict[int, list[SimFix]] = {}
    subject_end = max(
        (s.start + s.duration_s for s in scenario.scripts if s.role == "subject"),
        default=None,
    )
    subject_start = min((s.start for s in scenario.scripts if s.role == "subject"), default=None)
    for index, script in enumerate(scenario.scripts):
        simulator = VesselSimulator(script, vessel_seed(scenario.spec.seed, script.identity.mmsi))
        stream = []
        own: list[SimFix] = []
        for n, report in enumerate(simulator.reports()):
            clipped = script.role == "background" and subject_start is not None and subject_end is not None
            if clipped and not subject_start <= report.t <= subject_end:
                continue
            stream.append((report.t, index, n, report))
            if isinstance(report, SimFix):
                own.append(report)
        fixes[script.identity.mmsi] = own
        streams.append(stream)
    merged = [item[3] for item in heapq.merge(*streams, key=lambda item: (int(item[0]), item[1], item[2]))]
    return Simulation(scenario=scenario, reports=merged, fixes=fixes)
