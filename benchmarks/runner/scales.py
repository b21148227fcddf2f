"""Every page at two dataset sizes, side by side: the national dataset (the benchmark database)
and a small one (`--small-database`, `bench_data --scale 0.05` there), each page measured on the
small dataset and right after on the national one, so both see the same machine. A page whose
uncached median grows more than GROWTH_FLAG times for the 20 times larger data is flagged (the
query counts are asserted not to grow in the tests; the time must not grow either).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from benchmarks.runner.pages import (
    PageResult,
    Picks,
    all_page_requests,
    empty_caches,
    measure_page,
)

GROWTH_FLAG = 1.5
# Below this difference a ratio is timer noise (the trivial view: 0.2 against 0.3 ms).
NOISE_MS = 1.0


@dataclass
class ScalePair:
    small: PageResult
    large: PageResult

    @property
    def growth(self) -> float | None:
        if not (self.small.available and self.large.available) or not self.small.uncached_median_ms:
            return None
        return self.large.uncached_median_ms / self.small.uncached_median_ms

    @property
    def flagged(self) -> bool:
        growth = self.growth
        return (
            growth is not None
            and growth > GROWTH_FLAG
            and self.large.uncached_median_ms - self.small.uncached_median_ms > NOISE_MS
        )


def use_database(name: str) -> None:
    """Point the default connection at another database of the same server (closed first)."""
    connection.close()
    connection.settings_dict["NAME"] = name
    empty_caches()


def measure_two_sizes(
    *,
    runs: int,
    small_database: str,
    log: Callable[[str], None],
    only: set[str] = frozenset(),
    more: tuple[Callable[[Picks], list], ...] = (),
) -> list[ScalePair]:
    large_database = connection.settings_dict["NAME"]
    use_database(small_database)
    small_pages = all_page_requests(Picks(), more)
    use_database(large_database)
    large_pages = all_page_requests(Picks(), more)
    pairs = []
    try:
        for (key, label, url_name, small_build), (_k, _l, _u, large_build) in zip(
            small_pages, large_pages, strict=True
        ):
            if only and key not in only | {"trivial"}:
                continue
            use_database(small_database)
            small = measure_page(
                key, label, url_name, small_build, runs=runs, log=lambda line: log("small: " + line)
            )
            use_database(large_database)
            large = measure_page(key, label, url_name, large_build, runs=runs, log=log)
            pairs.append(ScalePair(small=small, large=large))
    finally:
        use_database(large_database)
    return pairs


def render(pairs: list[ScalePair], *, small_scale: float | None, large_scale: float | None) -> str:
    small = f"{small_scale:g}" if small_scale else "small"
    large = f"{large_scale:g}" if large_scale else "national"
    lines = [
        f"#### Every page at two dataset sizes (scale {small} and {large})",
        "",
        "Uncached medians (the cache emptied before each request) on the small dataset and, "
        "measured right after it, on the national one. **flag**: the time grows more than "
        f"{GROWTH_FLAG:g}x (and by more than {NOISE_MS:g} ms) for the larger data.",
        "",
        f"| page | scale {small} ms | scale {large} ms | growth | queries {small} / {large} "
        "| flag |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for pair in pairs:
        if not (pair.small.available and pair.large.available):
            reason = pair.large.reason or pair.small.reason
            lines.append(f"| {pair.large.label} | | | | | not available: {reason} |")
            continue
        growth = pair.growth
        lines.append(
            f"| {pair.large.label} | {pair.small.uncached_median_ms:.1f} | "
            f"{pair.large.uncached_median_ms:.1f} | "
            f"{growth:.2f}x | {pair.small.cold_queries} / {pair.large.cold_queries} | "
            f"{'**flag**' if pair.flagged else ''} |"
            if growth is not None
            else f"| {pair.large.label} | | | | | |"
        )
    return "\n".join(lines) + "\n"
