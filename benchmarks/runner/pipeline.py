"""Reminder pipeline throughput: deliveries through Redis, a real worker and SMTP on loopback.

What a run found; `pipeline_run` measures it (a module of its own, so the report can name the
result without importing the measuring code and its services).
"""

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
