"""Demo data for local runs (`make run`); never loaded in production.

`seed` is what the site shell's `seed_demo` command calls for this app: the regions' agencies and
accounts first, then meetings and readiness tasks. Each step is idempotent.
"""

from coordination.demo import foundation, meetings_readiness
from coordination.demo.foundation import DEMO_PASSWORD

__all__ = ["DEMO_PASSWORD", "LOGINS", "seed"]

LOGINS = [
    ("kpu@demo.test", "KPU Provinsi Bengkulu (staf KPU)"),
    ("kpu.rejanglebong@demo.test", "KPU Kabupaten Rejang Lebong (staf KPU)"),
    ("bawaslu@demo.test", "Bawaslu Provinsi Bengkulu (penghubung)"),
    ("polda@demo.test", "Polda Bengkulu (penghubung)"),
    ("polres.rejanglebong@demo.test", "Polres Rejang Lebong (penghubung)"),
    ("admin@demo.test", "superuser"),
]


def seed(*, stdout) -> None:
    foundation.seed(stdout=stdout)
    meetings_readiness.seed(stdout=stdout)
