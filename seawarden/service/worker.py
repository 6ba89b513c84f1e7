"""The one pipeline thread: lines and messages in, alerts recorded, the live picture kept current.

Why one thread: the Pipeline owns per-vessel state and is not thread-safe; one consumer keeps its
event-time order and needs no locking inside the core. Why a thread and not the event loop: decoding
and assessing cost milliseconds per burst, and the loop must keep answering the API and the feeds.

Why lines are decoded in runs: at thousands of lines per second the worker takes hundreds of queued
lines at a time, and the vectorised :class:`~seawarden.decode.fast.FastDecoder` decodes such a run
several times faster than the line-by-line reference (same messages, same order, same statistics: it
drives the very same reference decoder for everything it does not decode itself). Short runs, where
its fixed cost per call would not pay, go line by line. Decoding happens before the live lock is
taken, so API readers wait only for the assessment.
"""

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from seawarden.decode import Decoder
from seawarden.decode.fast import FastDecoder
from seawarden.pipeline import Pipeline
from seawarden.service.alerts import AlertRecorder
from seawarden.service.live import TrackerLiveView
from seawarden.service.metrics import ServiceMetrics
from seawarden.track import VesselState
from seawarden.types import Alert, Message
from seawarden.watchlist import Watchlist

log = logging.getLogger(__name__)

#: Items taken from the queue per step: bounds how long an API read waits for the pipeline (the live
#: lock is held while the step's messages are assessed, ~40 us each).
BATCH = 1000
#: A batch smaller than this waits up to ``COALESCE_S`` after its first item for more (see ``_take``).
COALESCE_ITEMS = 256
COALESCE_S = 0.01
#: Consecutive lines of one source decoded by the fast path at once when at least this many; below it
#: the fast path's fixed cost per call (about a millisecond) exceeds what it saves.
FAST_DECODE_MIN_LINES = 32
#: After a failed watch-list reload, wait this long before trying again (not every batch: no log flood).
WATCHLIST_RETRY_S = 30.0


@dataclass(frozen=True, slots=True)
class RawLine:
    """One NMEA line from a network source, with the feed id it came from."""

    line: str
    source: str


class EndOfInput:
    """Queue sentinel: finish the pipeline and stop (put once, after every producer stopped)."""


WorkItem = RawLine | Message | EndOfInput


@dataclass(frozen=True, slots=True)
class WatchlistReload:
    """How the worker learns of watch-list edits made through the API, and loads the new register.

    Why a revision number: the API bumps an int on every change; comparing it once per batch costs
    nothing, and the register is reloaded (a store read plus the bundled list) only when it moved.
    """

    revision: Callable[[], int]
    load: Callable[[], Watchlist]
    #: Called with the new register after the pipeline uses it (e.g. to update the API's copy).
    replaced: Callable[[Watchlist], None] | None = None


class PipelineWorker(threading.Thread):
    """Consumes the bounded work queue until :class:`EndOfInput`; see the module docstring."""

    def __init__(
        self,
        pipeline: Pipeline,
        decoder: Decoder,
        live: TrackerLiveView,
        recorder: AlertRecorder,
        metrics: ServiceMetrics,
        work: "queue.Queue[WorkItem]",
        watchlist_reload: WatchlistReload | None = None,
        *,
        fast_decode: bool = True,
    ) -> None:
        super().__init__(name="seawarden-pipeline", daemon=True)
        self.pipeline = pipeline
        self.decoder = decoder
        self.fast = FastDecoder(decoder) if fast_decode else None
        self.live = live
        self.recorder = recorder
        self.metrics = metrics
        self.work = work
        self.finished = threading.Event()
        self.failed: BaseException | None = None
        self.watchlist_reload = watchlist_reload
        self._watchlist_seen = 0  # the register the pipeline was built with is revision 0
        self._watchlist_retry_at = 0.0

    def run(self) -> None:
        try:
            while self._step():
                pass
            self._finish()
        except BaseException as exc:  # reported to the runtime, which shuts down
            self.failed = exc
            log.critical("pipeline thread stopped by an unexpected error", exc_info=True)
        finally:
            self.finished.set()

    def _step(self) -> bool:
        """Process one batch; False at end of input."""
        items = self._take()
        self.metrics.set("queue_depth", self.work.qsize())
        self._reload_watchlist_if_changed()
        end = next((i for i, item in enumerate(items) if isinstance(item, EndOfInput)), None)
        more = end is None
        if end is not None:
            del items[end:]  # put last, after every producer stopped: nothing follows it
        lines_in = sum(1 for item in items if isinstance(item, RawLine))
        messages = self._decode(items)
        alerts: list[Alert] = []
        touched: dict[int, VesselState] = {}
        with self.live.lock:
            for msg in messages:
                alerts += self._process(msg, touched)
            self._publish(touched)
        if lines_in:
            self.metrics.inc("lines_in", lines_in)
        self.metrics.messages_processed(len(messages))
        self._record(alerts)
        return more

    def _take(self) -> list[WorkItem]:
        """The next batch: what is queued, or what arrives within ``COALESCE_S`` of its first item.

        Why wait a little: at thousands of lines a second a batch taken the moment one line is queued
        holds a few dozen lines, and the fast decoder's fixed cost per call makes those nearly as dear
        as line by line; a few milliseconds more fill batches of hundreds. At a few lines a second the
        wait costs at most ``COALESCE_S`` of latency, noise against the one-second alert budget.
        """
        items = [self.work.get()]
        deadline = time.monotonic() + COALESCE_S
        while len(items) < BATCH and not isinstance(items[-1], EndOfInput):
            try:
                items.append(self.work.get_nowait())
                continue
            except queue.Empty:
                pass
            remaining = deadline - time.monotonic()
            if len(items) >= COALESCE_ITEMS or remaining <= 0:
                break
            try:
                items.append(self.work.get(timeout=remaining))
            except queue.Empty:
                break
        return items

    def _decode(self, items: list[WorkItem]) -> list[Message]:
        """The messages of a batch in queue order: runs of raw lines decoded, messages passed on."""
        messages: list[Message] = []
        run: list[str] = []
        run_source = ""
        for item in items:
            if isinstance(item, RawLine):
                if run and item.source != run_source:
                    messages += self._decode_run(run, run_source)
                    run = []
                run.append(item.line)
                run_source = item.source
            elif isinstance(item, Message):
                if run:
                    messages += self._decode_run(run, run_source)
                    run = []
                messages.append(item)
        if run:
            messages += self._decode_run(run, run_source)
        return messages

    def _decode_run(self, lines: list[str], source: str) -> list[Message]:
        """Consecutive lines of one source; the fast path for long runs, line by line otherwise."""
        if self.fast is not None and len(lines) >= FAST_DECODE_MIN_LINES:
            data = "\n".join(lines).encode("utf-8", "replace") + b"\n"
            if b"\r" not in data:  # a stray CR would end a line for the buffer decoder, not for feed_line
                try:
                    result, _stats = self.fast.decode_buffer(data, source, flush=False)
                    return list(result.messages())
                except Exception:  # a bug in the fast path must cost speed, never the service
                    self.metrics.inc("fast_decode_errors")
                    log.exception(
                        "fast decoder failed on %d lines of %s; decoding them line by line",
                        len(lines),
                        source,
                    )
        feed_line = self.decoder.feed_line
        out: list[Message] = []
        for line in lines:
            out += feed_line(line, source)
        return out

    def _publish(self, touched: dict[int, VesselState]) -> None:
        """Refresh the live view once per vessel per batch (caller holds the live lock).

        Why once per batch: API readers take the same lock, so they never see the view between two
        messages of a batch; one summary per vessel (of its state after the batch) is all they can
        observe, at a fraction of the cost of one per message.
        """
        for state in touched.values():
            self.live.touched(state)
        if touched and self.pipeline.now is not None:
            self.metrics.set("event_time", self.pipeline.now)

    def _reload_watchlist_if_changed(self) -> None:
        """Swap in the current register when the API changed it; a failed load keeps the old one."""
        reload = self.watchlist_reload
        if reload is None:
            return
        revision = reload.revision()
        if revision == self._watchlist_seen or time.monotonic() < self._watchlist_retry_at:
            return
        try:
            watchlist = reload.load()  # outside the live lock: API reads are not held up by the store
        except Exception:
            self.metrics.inc("watchlist_reload_errors")
            self._watchlist_retry_at = time.monotonic() + WATCHLIST_RETRY_S
            log.exception(
                "watch-list revision %d could not be loaded; still matching the previous register, "
                "retrying in %.0f s",
                revision,
                WATCHLIST_RETRY_S,
            )
            return
        with self.live.lock:
            self.pipeline.assessor.replace_watchlist(watchlist)
            self.pipeline.watchlist = watchlist
        self._watchlist_seen = revision
        self.metrics.inc("watchlist_reloads")
        log.info("watch-list revision %d in use: %d entries", revision, len(watchlist))
        if reload.replaced is not None:
            try:
                reload.replaced(watchlist)
            except Exception:
                log.exception("watch-list revision %d: the replaced-callback failed", revision)

    def _process(self, msg: Message, touched: dict[int, VesselState]) -> list[Alert]:
        """One message through the pipeline (caller holds the live lock); bad input never stops us.

        The vessel goes into ``touched`` for :meth:`_publish` at the end of the batch.
        """
        try:
            alerts = self.pipeline.process(msg)
        except Exception:
            self.metrics.inc("messages_failed")
            log.exception("message of %s from %s could not be assessed; skipped", msg.mmsi, msg.source)
            return []
        state = self.pipeline.tracker.get(msg.mmsi)
        if state is not None:
            touched[msg.mmsi] = state
        return alerts

    def _record(self, alerts: list[Alert]) -> None:
        for alert in alerts:
            started = time.perf_counter()
            try:
                self.recorder.record(alert)
            except Exception:
                # The store is unreachable or broken: the alert is NOT lost silently, it is logged whole
                # so an operator can re-inject it, and counted for /metrics and the health check.
                self.metrics.inc("alerts_store_errors")
                log.exception("alert could not be stored; record follows: %s", alert.to_dict())
            self.metrics.inc("alert_record_ms", int((time.perf_counter() - started) * 1000))

    def _finish(self) -> None:
        """End of input: pending multipart groups, then the pipeline's last tick and flush."""
        alerts: list[Alert] = []
        touched: dict[int, VesselState] = {}
        with self.live.lock:
            for msg in self.decoder.flush():
                alerts += self._process(msg, touched)
            self._publish(touched)
            try:
                alerts += self.pipeline.finish()
            except Exception:
                log.exception("pipeline finish failed")
            self.live.forget_missing()
        self._record(alerts)
        log.info("pipeline finished: %s messages", self.pipeline.stats.messages)
