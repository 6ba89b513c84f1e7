"""The live service: one asyncio loop, one pipeline thread, the store's outbox and the HTTP API.

::

    sources ─(lines)─> bounded queue ─> pipeline thread ─> AlertRecorder: policy -> store(outbox) -> hub
    (TCP/UDP on the loop,                (decode, track,       │
     files in a thread)                   assess, alerts)      └─> wakes the DeliveryWorker (loop):
                                                                    claim_due -> Dispatcher -> mark_*
    TrackerLiveView <── API (map, dossiers);  changed vessels -> hub every second, -> store every 30 s

Shutdown order (SIGINT/SIGTERM): stop the sources, drain the queue, finish the pipeline (its last
alerts are stored), save vessels, one last delivery round, close channels, stop HTTP, close the store.
What is not delivered by then stays in the outbox and goes out after the next start.
"""

import asyncio
import contextlib
import gc
import logging
import queue
import signal
import time
from collections.abc import Callable
from typing import Any

from seawarden.config import Settings
from seawarden.decode import Decoder
from seawarden.deliver import build_dispatcher
from seawarden.geo import GeoContext
from seawarden.pipeline import Pipeline
from seawarden.service.alerts import AlertRecorder
from seawarden.service.bootstrap import IssuedKey, bootstrap_orgs
from seawarden.service.config import FileSource, ServeSettings
from seawarden.service.delivery import DeliveryWorker
from seawarden.service.http import build_server, load_create_app, make_hub
from seawarden.service.ingest import FilePlayer, NetworkSource, build_network_source, forward
from seawarden.service.live import TrackerLiveView
from seawarden.service.metrics import ServiceMetrics
from seawarden.service.worker import EndOfInput, PipelineWorker, WatchlistReload, WorkItem
from seawarden.store import Store, VesselRecord, open_store
from seawarden.watchlist import Watchlist

log = logging.getLogger(__name__)

#: Allocations between young-generation collections in a tuned service process (CPython's default: 700),
#: then young collections per middle one and middle collections per full one (defaults 10 and 10).
GC_THRESHOLDS = (50_000, 20, 100)
SNAPSHOT_SLICE = 1_000  # vessels per store write of a snapshot round (see Runtime._save_vessels)


def tune_gc_for_service() -> None:
    """Garbage-collector settings for a long-running service process, applied once start-up is loaded.

    Why: the pipeline allocates several objects per message, so at thousands of messages a second the
    default thresholds collect the young generation every few hundred microseconds, and full
    collections over the state of tens of thousands of vessels pause every thread for a quarter of a
    second while alerts queue up. Freezing what start-up loaded (geo data, models, the watch list)
    takes it out of every later collection, and higher thresholds make collections rarer; reference
    counting frees almost all of the pipeline's garbage anyway. Measured (docs/performance.md):
    10,000 msg/s for 180 s with 18,000 vessels, alert p99 1.4-1.5 s before, 0.8 s after.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class Runtime:
    """Everything ``seawarden serve`` runs; :meth:`run` until a signal or :meth:`request_stop`."""

    def __init__(
        self,
        settings: Settings,
        serve: ServeSettings,
        *,
        geo: GeoContext | None = None,
        watchlist: Watchlist | None = None,
        exit_after_files: bool = False,
        on_alert: Callable[[dict[str, Any]], None] | None = None,
        hub: Any = None,
        tune_gc: bool = False,
    ) -> None:
        """``tune_gc``: apply :func:`tune_gc_for_service` once loaded (``serve`` and ``demo`` do: they
        own their process; an embedding application or a test keeps its own settings)."""
        self.settings = settings
        self.serve = serve
        self.geo = geo
        self.watchlist = watchlist
        self.exit_after_files = exit_after_files
        self.on_alert = on_alert
        self.tune_gc = tune_gc
        self.metrics = ServiceMetrics()
        self.hub = hub if hub is not None else make_hub()
        self.work: queue.Queue[WorkItem] = queue.Queue(serve.line_queue_size)
        self.store: Store | None = None
        self.pipeline: Pipeline | None = None
        self.live: TrackerLiveView | None = None
        self.worker: PipelineWorker | None = None
        self.delivery: DeliveryWorker | None = None
        self.sources: list[NetworkSource] = []
        self.files: FilePlayer | None = None
        self.server: Any = None
        self.app: Any = None  # the API application, once HTTP is up
        self.issued_keys: list[IssuedKey] = []
        self.started = asyncio.Event()
        self._stop = asyncio.Event()
        self._stop_reason = ""
        self._tasks: list[asyncio.Task[Any]] = []
        self._forwarders: list[asyncio.Task[None]] = []
        self._server_task: asyncio.Task[None] | None = None
        self._delivery_task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- life cycle --------------------------------------------------------------------------------

    async def run(self, install_signals: bool = True) -> int:
        """Start, serve until stopped, shut down gracefully; the exit status (0 ok, 1 pipeline failure)."""
        loop = asyncio.get_running_loop()
        if install_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self.request_stop, f"signal {sig.name}")
        try:
            await self.start()
            await self._stop.wait()
            log.info("stopping: %s", self._stop_reason)
        finally:
            await self.shutdown()
            if install_signals:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(sig)
        return 1 if self.worker is not None and self.worker.failed is not None else 0

    def request_stop(self, reason: str = "requested") -> None:
        if not self._stop.is_set():
            self._stop_reason = reason
            self._stop.set()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        serve, settings = self.serve, self.settings
        self.store = await asyncio.to_thread(
            open_store,
            serve.store_path_default(settings.data_dir),
            max_attempts=serve.delivery.retry.max_attempts,
            lease_s=serve.outbox_lease_s,
        )
        self.issued_keys = await asyncio.to_thread(bootstrap_orgs, self.store, serve.organisations)
        watchlist = await asyncio.to_thread(self._load_watchlist)
        self.pipeline = await asyncio.to_thread(Pipeline, settings, self.geo, watchlist)
        self.live = TrackerLiveView(self.pipeline.tracker)

        dispatcher = build_dispatcher(serve.delivery)
        self.delivery = DeliveryWorker(
            self.store, dispatcher, serve.delivery.subscriptions, self.metrics, poll_s=serve.delivery_poll_s
        )
        recorder = AlertRecorder(
            self.store,
            self.hub,
            serve.releasability,
            serve.delivery.subscriptions,
            self.metrics,
            on_stored=self._wake_delivery,
            on_alert=self.on_alert,
        )
        self.worker = PipelineWorker(
            self.pipeline,
            self._decoder(),
            self.live,
            recorder,
            self.metrics,
            self.work,
            WatchlistReload(self._watchlist_revision, self._load_watchlist, self._watchlist_replaced),
            fast_decode=self.settings.decode.fast,
        )
        if self.tune_gc:
            tune_gc_for_service()
        self.worker.start()
        self._delivery_task = asyncio.create_task(self.delivery.run(), name="delivery")

        await self._start_sources()
        self._tasks += [
            asyncio.create_task(
                self._every(serve.vessel_publish_interval_s, self._publish_vessels), name="vessels"
            ),
            asyncio.create_task(
                self._every(serve.vessel_snapshot_interval_s, self._save_vessels), name="snapshots"
            ),
            asyncio.create_task(self._every(serve.prune_interval_s, self._prune_tracks), name="prune"),
            asyncio.create_task(self._watch_worker(), name="watch-pipeline"),
        ]
        if serve.http_enabled:
            await self._start_http()
        self.started.set()
        log.info("service started: %s", self.describe())

    async def shutdown(self) -> None:
        """Graceful stop (see module docstring); safe to call after a failed start."""
        timeout = self.serve.drain_timeout_s
        for source in self.sources:
            with contextlib.suppress(Exception):
                await source.stop()
        if self._forwarders:
            _done, pending = await asyncio.wait(self._forwarders, timeout=timeout)
            for task in pending:
                task.cancel()
        if self.files is not None:
            self.files.stop_requested.set()
            await asyncio.to_thread(self.files.done.wait, timeout)
        if self.worker is not None and self.worker.is_alive():
            await asyncio.to_thread(self._put_end, timeout)
            await asyncio.to_thread(self.worker.finished.wait, timeout)
            if not self.worker.finished.is_set():
                log.error("pipeline did not finish within %.0f s; %d items left", timeout, self.work.qsize())
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.live is not None:
            self._publish_vessels()
            with contextlib.suppress(Exception):
                await self._save_vessels(spread=False)
        if self.delivery is not None:
            self.delivery.stop()
            if self._delivery_task is not None:
                await asyncio.gather(self._delivery_task, return_exceptions=True)
            await self.delivery.drain(timeout)
            await self.delivery.dispatcher.close()
        if self.server is not None and self._server_task is not None:
            self.server.should_exit = True
            await asyncio.gather(self._server_task, return_exceptions=True)
        if self.store is not None:
            self.store.close()
        log.info("service stopped; counters: %s", self.metrics_snapshot())

    # -- parts -----------------------------------------------------------------------------------

    def _decoder(self) -> Decoder:
        cfg = self.settings.decode
        return Decoder(
            multipart_timeout_s=cfg.multipart_timeout_s,
            keep_raw=cfg.keep_raw,
            max_line_bytes=cfg.max_line_bytes,
            max_pending_groups=cfg.max_pending_groups,
            on_reject=self._rejected,
        )

    def _rejected(self, reject: Any) -> None:
        self.metrics.inc(f"rejects:{reject.reason}")
        log.debug("rejected %s line from %s: %s", reject.reason, reject.source, reject.detail)

    async def _start_sources(self) -> None:
        files = [s for s in self.serve.sources if isinstance(s, FileSource)]
        for config in self.serve.sources:
            if isinstance(config, FileSource):
                continue
            source = build_network_source(config, self.serve.line_queue_size)
            if hasattr(source, "start") and asyncio.iscoroutinefunction(source.start):
                await source.start()
            else:
                source.start()
            self.sources.append(source)
            self._forwarders.append(asyncio.create_task(forward(source, self.work, self.metrics)))
        if files:
            self.files = FilePlayer(files, self.work, self.metrics, self._decoder)
            self.files.start()
            if self.exit_after_files:
                self._tasks.append(asyncio.create_task(self._stop_after_files(), name="files-done"))

    async def _start_http(self) -> None:
        create_app = load_create_app()
        if create_app is None:
            return
        app = create_app(
            store=self.store,
            hub=self.hub,
            geo=self.pipeline.geo,
            watchlist=self.pipeline.watchlist,
            live=self.live,
            settings=self.serve.http,
            **({"metrics": self.metrics.prometheus} if self.metrics.prometheus is not None else {}),
        )
        # /metrics of the API adds these when present (documented for the API engineer).
        app.state.service_metrics = self.metrics_snapshot
        self.app = app
        self.server = build_server(app, self.serve.http.host, self.serve.http.port)
        self._server_task = asyncio.create_task(self.server.serve(), name="http")
        while not self.server.started:
            if self._server_task.done():
                exc = self._server_task.exception()
                raise RuntimeError(f"HTTP server did not start on {self.http_url}: {exc or 'exited'}")
            await asyncio.sleep(0.02)

    def _load_watchlist(self) -> Watchlist:
        """What the pipeline matches against, at start and after every edit through the API.

        The base register (the one given to the runtime, else the bundled EU list with the user's
        register file, :meth:`Watchlist.default`) with the store's entries merged over it: the
        store is where the API writes, so what an analyst added is watched after a restart too.
        """
        assert self.store is not None
        if self.watchlist is None:
            register = Watchlist.default()
        else:  # a copy: merging must not change the caller's register
            register = Watchlist(self.watchlist, self.watchlist.config)
        register.merge_entries(self.store.watchlist())
        return register

    def _api_ctx(self) -> Any:
        return getattr(getattr(self.app, "state", None), "ctx", None)

    def _watchlist_revision(self) -> int:
        """The API's watch-list revision (0 without the API); read by the pipeline thread per batch."""
        ctx = self._api_ctx()
        return int(getattr(ctx, "watchlist_revision", 0) or 0)

    def _watchlist_replaced(self, watchlist: Watchlist) -> None:
        """Dossiers in the API match against the register the pipeline uses."""
        ctx = self._api_ctx()
        if ctx is not None and hasattr(ctx, "watchlist"):
            ctx.watchlist = watchlist

    def _wake_delivery(self) -> None:
        """Called from the pipeline thread: wake the delivery worker on the loop."""
        if self._loop is not None and self.delivery is not None:
            with contextlib.suppress(RuntimeError):  # loop closed during shutdown
                self._loop.call_soon_threadsafe(self.delivery.notify)

    def _put_end(self, timeout: float) -> None:
        with contextlib.suppress(queue.Full):
            self.work.put(EndOfInput(), timeout=timeout)

    async def _stop_after_files(self) -> None:
        assert self.files is not None
        await asyncio.to_thread(self.files.done.wait)
        # every file message is queued; wait until the pipeline has taken them, then stop
        while self.work.qsize():
            await asyncio.sleep(0.05)
        self.request_stop("replay finished (--exit-after-replay)")

    async def _watch_worker(self) -> None:
        assert self.worker is not None
        await asyncio.to_thread(self.worker.finished.wait)
        if self.worker.failed is not None:
            self.request_stop(f"pipeline failed: {self.worker.failed!r}")

    async def _every(self, interval_s: float, job: Callable[[], Any]) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                result = job()
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                self.metrics.inc("periodic_job_errors")
                log.exception("periodic job %s failed", getattr(job, "__name__", job))

    def _publish_vessels(self) -> None:
        """Map updates, once a second, built only while someone wants them.

        Why the check: building the summaries of the vessels that moved takes the live lock (the
        pipeline waits) and about a tenth of the interpreter at 10,000 msg/s with 18,000 vessels;
        with no map open nobody reads them. They are not lost: the next subscriber's first update
        holds every vessel that changed meanwhile, and the REST vessel list is always current.
        """
        if self.live is None or not self.hub.wants_vessels():
            return
        changed = self.live.take_changed()
        if changed:
            self.hub.publish_vessels(changed)
            self.metrics.inc("vessel_updates_published", len(changed))

    async def _save_vessels(self, spread: bool = True) -> None:
        """Save the vessels changed since their last save, ``SNAPSHOT_SLICE`` at a time.

        Why slices, spread over half the snapshot interval: one round of 18,000 vessels took about
        0.2 s under the live lock (the pipeline waits) and another 0.7-1.3 s of store work that
        holds the interpreter most of the time; at 10,000 msg/s the work queue filled every 30 s and
        alerts waited up to 2 s. A slice holds the lock about 10 ms. ``spread=False`` (shutdown)
        saves everything at once. A vessel that changes again meanwhile is saved again next round.
        """
        assert self.live is not None and self.store is not None
        with self.live.lock:
            slices = -(-self.live.unsaved_count() // SNAPSHOT_SLICE)
        pause = 0.5 * self.serve.vessel_snapshot_interval_s / slices if spread and slices > 1 else 0.0
        done = 0
        while not spread or done < slices:
            taken, records = self._unsaved_records(SNAPSHOT_SLICE)
            if not taken:
                break
            if records:
                saved = await asyncio.to_thread(self.store.save_vessels, records)
                self.metrics.inc("vessel_snapshots_saved", saved)
            done += 1
            if pause and done < slices:
                await asyncio.sleep(pause)

    def _unsaved_records(self, limit: int | None = None) -> tuple[int, list[VesselRecord]]:
        """(MMSIs taken, snapshots of those still tracked): up to ``limit`` vessels changed since their
        last save, copied under the live lock."""
        assert self.live is not None
        with self.live.lock:
            mmsis = self.live.take_unsaved(limit)
            states = [s for s in (self.live.tracker.get(m) for m in mmsis) if s is not None]
            return len(mmsis), [VesselRecord.from_state(s) for s in states]

    async def _prune_tracks(self) -> None:
        assert self.pipeline is not None and self.store is not None
        now = self.pipeline.now  # event time: a replay of old data is not pruned away by the wall clock
        if now is not None:
            cutoff = now - self.serve.track_retention_h * 3600.0
            removed = await asyncio.to_thread(self.store.prune_tracks, cutoff)
            self.metrics.inc("track_points_pruned", removed)

    # -- introspection -----------------------------------------------------------------------------

    @property
    def http_url(self) -> str:
        return f"http://{self.serve.http.host}:{self.serve.http.port}"

    def describe(self) -> str:
        parts = [f"{s.name}" for s in self.sources]
        if self.files is not None:
            parts.append(f"{len(self.files.sources)} file source(s)")
        http = self.http_url if self.server is not None else "no HTTP"
        return f"{http}; sources: {', '.join(parts) or 'none'}"

    def metrics_snapshot(self) -> dict[str, float]:
        """Service, store, hub and source counters in one flat dict (for /metrics and the final log)."""
        out = self.metrics.snapshot()
        out["queue_depth"] = self.work.qsize()
        out["uptime_s"] = round(time.monotonic() - _STARTED, 1)
        if self.store is not None:
            out.update({f"store_{k}": v for k, v in self.store.stats.items()})
        stats = getattr(self.hub, "stats", None)
        if isinstance(stats, dict):
            out.update({f"hub_{k}": v for k, v in stats.items() if isinstance(v, int | float)})
        for source in self.sources:
            out[f"source_lines:{source.name}"] = source.lines_received
            dropped = getattr(source, "dropped", None)
            if dropped is not None:
                out[f"source_dropped:{source.name}"] = dropped
            counters = getattr(source, "counters", None)  # message-bus sources: bad records, commits...
            if callable(counters):
                out.update({f"source_{k}:{source.name}": v for k, v in counters().items()})
        if self.live is not None:
            out["vessels_live"] = len(self.live)
        return out


_STARTED = time.monotonic()
