"""A deterministic national dataset for benchmarks (docs/architecture.md: the size
the portal is designed for).

At scale 1.0: every official region, about 2,800 agencies (KPU, Bawaslu, Polri, TNI and Pemda in
every province and kabupaten/kota), 20,000 meetings with their invitations, 500,000 readiness tasks
with 2,000,000 status updates and, once the outreach models exist, 300,000 outreach events.

The same seed, scale, region selection and anchor date always give the same rows with the same ids:
the tables are truncated with their sequences restarted, every random choice comes from a
`random.Random` seeded per step, and the large tables are written through COPY with ids the
generator assigns. Dates are relative to the anchor (by default today), so "upcoming" pages show
realistic data whatever the day of the run.
"""

from benchmarks.data.national.constants import (
    BENCH_EMAIL_DOMAIN,
    DEFAULT_SEED,
    UPDATES_PER_TASK,
    GenerationResult,
    Targets,
)
from benchmarks.data.national.generator import (
    Generator,
    bench_data_generate,
    dataset_fingerprint,
    foreign_rows_exist,
    outreach_event_model,
)

__all__ = [
    "BENCH_EMAIL_DOMAIN",
    "DEFAULT_SEED",
    "UPDATES_PER_TASK",
    "GenerationResult",
    "Generator",
    "Targets",
    "bench_data_generate",
    "dataset_fingerprint",
    "foreign_rows_exist",
    "outreach_event_model",
]
