"""A small closed-loop HTTP load generator: N threads with keep-alive connections, latency percentiles."""

import http.client
import itertools
import statistics
import threading
import time
from urllib.parse import urlsplit


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def run(
    url: str, *, requests: int, concurrency: int, headers: dict | None = None, paths: list[str] | None = None
) -> dict:
    """`paths`: several pages of the same server, taken in turn (each request the next one)."""
    parts = urlsplit(url)
    turns = itertools.cycle(paths or [parts.path + (f"?{parts.query}" if parts.query else "")])
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    remaining = [requests]

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while True:
            with lock:
                if remaining[0] == 0:
                    break
                remaining[0] -= 1
                path = next(turns)
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers or {})
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError as exc:
                status = repr(exc)
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            elapsed = time.perf_counter() - start
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors.append(str(status))
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    lat = sorted(latencies)
    return {
        "requests": requests,
        "ok": len(lat),
        "errors": len(errors),
        "error_sample": errors[:3],
        "rps": len(lat) / wall if wall else 0.0,
        "p50_ms": percentile(lat, 50) * 1000,
        "p95_ms": percentile(lat, 95) * 1000,
        "p99_ms": percentile(lat, 99) * 1000,
        "mean_ms": statistics.fmean(lat) * 1000 if lat else float("nan"),
    }
