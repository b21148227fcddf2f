"""National region load time (idn-area-data: 91,599 rows)."""

import time

from django.db import transaction

from coordination.services.regions import regions_load


def measure_region_reload() -> tuple[int, float]:
    """Time loading every region into a database that already holds them (the upsert path)."""
    started = time.perf_counter()
    with transaction.atomic():
        result = regions_load(province_code=None)
    return result.total, time.perf_counter() - started
