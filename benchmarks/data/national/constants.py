"""Sizes, seeds and the vocabulary of the benchmark dataset."""

from dataclasses import dataclass, field

from coordination.enums import AgencyKind, TaskCategory, TaskStatus
from coordination.models import (
    Agency,
    Election,
    ElectionStage,
    Meeting,
    MeetingInvitee,
    Membership,
    Person,
    ReadinessTask,
    TaskUpdate,
)

BENCH_EMAIL_DOMAIN = "bench.invalid"
# An unusable password hash (Django treats a leading "!" as "no password"); benchmarks log in with
# force_login, and nobody can sign in to a benchmark account.
UNUSABLE_PASSWORD = "!bench-no-password"  # noqa: S105 - not a secret, an unusable marker
DEFAULT_SEED = 20241127

FULL_MEETINGS = 20_000
FULL_TASKS = 500_000
UPDATES_PER_TASK = 4
FULL_EVENTS = 300_000

# Tables the generator owns; TRUNCATE ... CASCADE also empties whatever references them
# (delivery records, sessions of benchmark accounts, and so on).
OWNED_MODELS = [TaskUpdate, ReadinessTask, MeetingInvitee, Meeting, Membership, Agency, Person]
OWNED_MODELS += [ElectionStage, Election]

# Pilkada 2024 stages as offsets in days from voting day (the 2024 stage regulation).
STAGES = [
    ("Pembentukan badan ad hoc", -224, -22),
    ("Pemutakhiran data pemilih", -180, -65),
    ("Pendaftaran pasangan calon", -90, -88),
    ("Penetapan pasangan calon", -66, -66),
    ("Kampanye", -63, -4),
    ("Masa tenang", -3, -1),
    ("Pemungutan dan penghitungan suara", 0, 0),
    ("Rekapitulasi hasil", 0, 19),
]

# Per region level: (kind, name pattern, short name pattern). TNI and Polri have their own names.
PROVINCE_AGENCIES = [
    (AgencyKind.KPU, "KPU Provinsi {name}", "KPU {short}"),
    (AgencyKind.BAWASLU, "Bawaslu Provinsi {name}", "Bawaslu {short}"),
    (AgencyKind.POLRI, "Kepolisian Daerah {name}", "Polda {short}"),
    (AgencyKind.TNI, "Komando Resor Militer {code}", "Korem {code}"),
    (AgencyKind.PEMDA, "Pemerintah Provinsi {name}", "Pemprov {short}"),
]
REGENCY_AGENCIES = [
    (AgencyKind.KPU, "KPU {name}", "KPU {short}"),
    (AgencyKind.BAWASLU, "Bawaslu {name}", "Bawaslu {short}"),
    (AgencyKind.POLRI, "Kepolisian Resor {short}", "Polres {short}"),
    (AgencyKind.TNI, "Komando Distrik Militer {code}", "Kodim {code}"),
    (AgencyKind.PEMDA, "Pemerintah {name}", "Pemda {short}"),
]

TASK_TITLES = {
    TaskCategory.LOGISTICS: ["Distribusi kotak suara", "Pengepakan surat suara", "Gudang logistik"],
    TaskCategory.SECURITY: ["Pengamanan TPS rawan", "Patroli masa tenang", "Pengawalan logistik"],
    TaskCategory.STAFFING: ["Bimtek KPPS", "Rekrutmen PPS", "Pelantikan PPK"],
    TaskCategory.OUTREACH: ["Sosialisasi pemilih pemula", "Siaran radio", "Forum warga"],
    TaskCategory.VOTER_LIST: ["Coklit data pemilih", "Rekap DPS", "Penetapan DPT"],
    TaskCategory.IT: ["Uji coba Sirekap", "Jaringan internet PPK", "Pelatihan operator"],
    TaskCategory.BUDGET: ["Pencairan dana hibah", "Laporan penggunaan anggaran", "Revisi RAB"],
    TaskCategory.OVERSIGHT: ["Pemetaan kerawanan", "Pengawasan coklit", "Patroli pengawasan"],
}
# Final status of a task, weighted the way a campaign two months before voting day looks.
FINAL_STATUSES = [
    (TaskStatus.NOT_STARTED, 20),
    (TaskStatus.IN_PROGRESS, 35),
    (TaskStatus.AT_RISK, 8),
    (TaskStatus.BLOCKED, 4),
    (TaskStatus.DONE, 33),
]
NOTES = [
    "Sesuai rencana.",
    "Menunggu konfirmasi dari dinas terkait.",
    "Sebagian wilayah terkendala akses jalan.",
    "Dokumen pendukung sudah diunggah.",
    "Dibahas dalam rakor terakhir.",
    "",
]


@dataclass(frozen=True)
class Targets:
    meetings: int
    tasks: int
    updates: int
    events: int

    @classmethod
    def for_scale(cls, scale: float) -> "Targets":
        tasks = max(2, round(FULL_TASKS * scale))
        tasks += tasks % 2  # pairs of tasks share UPDATES_PER_TASK * 2 updates exactly
        return cls(
            meetings=max(1, round(FULL_MEETINGS * scale)),
            tasks=tasks,
            updates=tasks * UPDATES_PER_TASK,
            events=max(1, round(FULL_EVENTS * scale)),
        )


@dataclass
class GenerationResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    region_load_seconds: float = 0.0

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())
