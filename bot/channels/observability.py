"""What `sva serve` tells its operators: one log line per handled request and Prometheus
metrics (turns, acknowledgements, errors, sweep duration, outbox depth, per channel).

Request lines carry the method, the route (never the query string or body), the status, the
time taken and the channel: nothing a person typed, and no user id.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

log = logging.getLogger("sva.requests")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SWEEP_BUCKETS = (0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600)


class Metrics:
    """The server's metrics, in a registry of their own (one per server)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.turns = Counter(
            "sva_turns", "Messages answered by the assistant", ["channel"], registry=r
        )
        self.acks = Counter(
            "sva_acks", "Requests from a chat service acknowledged (2xx)", ["channel"], registry=r
        )
        self.errors = Counter(
            "sva_errors", "Requests that failed on our side (5xx)", ["channel"], registry=r
        )
        self.refused = Counter(
            "sva_refused", "Requests refused (4xx: bad signature, token, body)", ["channel"],
            registry=r,
        )  # fmt: skip
        self.latency = Histogram(
            "sva_request_seconds", "Time to answer a request", ["channel"], registry=r
        )
        self.sweep = Histogram(
            "sva_sweep_seconds", "Duration of reminder sweeps", buckets=SWEEP_BUCKETS, registry=r
        )
        self.outbox = Gauge("sva_outbox_depth", "Reminders queued and not yet sent", registry=r)
        self.ready = Gauge(
            "sva_channel_ready", "1 when a channel is ready", ["channel"], registry=r
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


CONTENT_TYPE = CONTENT_TYPE_LATEST.split(";")[0]


def request_observer(metrics: Metrics, channel_of: Callable[[str], str]) -> Middleware:
    """Middleware: one log line and the metrics for every request handled."""

    @web.middleware
    async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        channel = channel_of(request.path)
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as http:
            status = http.status
            raise
        finally:
            seconds = time.perf_counter() - started
            _count(metrics, channel, status, seconds)
            route = request.match_info.route.resource
            path = route.canonical if route is not None else "(no route)"
            log.info(
                "%s %s %d %.1fms channel=%s",
                request.method,
                path,
                status,
                seconds * 1000,
                channel,
                extra={"http": {"method": request.method, "route": path, "status": status,
                                "ms": round(seconds * 1000, 1), "channel": channel}},
            )  # fmt: skip

    return observe


def _count(metrics: Metrics, channel: str, status: int, seconds: float) -> None:
    if channel == "-":  # probes and /metrics are not a chat service's requests
        return
    metrics.latency.labels(channel).observe(seconds)
    if status >= 500:
        metrics.errors.labels(channel).inc()
    elif status >= 400:
        metrics.refused.labels(channel).inc()
    else:
        metrics.acks.labels(channel).inc()
