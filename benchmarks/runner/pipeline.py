"""Reminder pipeline throughput: deliveries through Redis, a real worker and SMTP on loopback.

Measured only when the reminder pipeline (delivery records and the send task) is part of the
code base; otherwise the report says it is not available.
"""

import importlib.util
from dataclasses import dataclass


@dataclass
class PipelineResult:
    available: bool
    reason: str = ""
    deliveries: int = 0
    seconds: float = 0.0
    duplicates: int = 0
    missing: int = 0

    @property
    def per_second(self) -> float:
        return self.deliveries / self.seconds if self.seconds else 0.0


def pipeline_available() -> str:
    """Empty when the pipeline can be measured, else why not."""
    if importlib.util.find_spec("coordination.notifications.outbox") is None:
        return "the reminder/delivery pipeline (issue 5) is not on this branch"
    return ""


def measure_pipeline(*, deliveries: int, log) -> PipelineResult:
    reason = pipeline_available()
    if reason:
        log(f"Reminder pipeline: not available ({reason})")
        return PipelineResult(available=False, reason=reason)
    from benchmarks.runner import pipeline_run

    return pipeline_run.run_pipeline(deliveries=deliveries, log=log)
