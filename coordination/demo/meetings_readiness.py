"""A coordination month in Bengkulu: rakor series, bimtek, simulation, minutes, action items,
a checklist stamped onto the ten kabupaten/kota, and status history from the demo liaisons.

The official Pilkada 2024 timeline is stored as it was; the demo plays the same timeline moved so
that voting day falls 45 days after the first run, so the dashboard has something to count down.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from coordination.enums import (
    RSVP,
    AgencyKind,
    MeetingKind,
    MeetingStatus,
    RegionLevel,
    SeriesFrequency,
    TaskCategory,
    TaskPriority,
    TaskStatus,
)
from coordination.models import Agency, Checklist, Meeting, Person, ReadinessTask, Region
from coordination.services.elections import (
    PILKADA_2024_VOTING_DAY,
    checklist_create,
    election_seed_pilkada_2024,
)
from coordination.services.meeting_records import (
    meeting_attendance_record,
    meeting_minutes_record,
    meeting_respond,
)
from coordination.services.meeting_series import meeting_series_create
from coordination.services.meetings import meeting_create
from coordination.services.readiness import action_items_create, checklist_stamp, task_status_update

WIB = ZoneInfo("Asia/Jakarta")
DEMO_ELECTION = "Pilkada Serentak 2024 (linimasa demo)"
CHECKLIST = "Kesiapan kabupaten/kota menjelang pemungutan suara"

ITEMS = [
    ("Gudang logistik kabupaten siap dan terkunci", TaskCategory.LOGISTICS, AgencyKind.KPU, 40),
    ("Distribusi surat suara ke PPK", TaskCategory.LOGISTICS, AgencyKind.KPU, 10),
    ("Bimtek KPPS selesai di semua kecamatan", TaskCategory.STAFFING, AgencyKind.KPU, 14),
    ("Daftar pemilih tetap diumumkan di desa", TaskCategory.VOTER_LIST, AgencyKind.KPU, 60),
    ("Uji coba Sirekap di tiap kecamatan", TaskCategory.IT, AgencyKind.KPU, 7),
    ("Pencairan anggaran honor badan ad hoc", TaskCategory.BUDGET, AgencyKind.PEMDA, 20),
    ("Sosialisasi di desa terpencil", TaskCategory.OUTREACH, AgencyKind.KPU, 21),
    ("Pemetaan TPS rawan", TaskCategory.OVERSIGHT, AgencyKind.BAWASLU, 30),
    ("Rencana pengamanan TPS (Ops Mantap Praja)", TaskCategory.SECURITY, AgencyKind.POLRI, 25),
    ("Dukungan personel TNI untuk pengamanan", TaskCategory.SECURITY, AgencyKind.TNI, 15),
]

# (status, progress, note) patterns that give every regency a believable mix.
PATTERNS = [
    (TaskStatus.DONE, 100, "Selesai, berita acara terlampir."),
    (TaskStatus.IN_PROGRESS, 60, "Sedang berjalan sesuai jadwal."),
    (TaskStatus.AT_RISK, 35, "Akses jalan ke dua kecamatan rusak setelah hujan."),
    (TaskStatus.BLOCKED, 10, "Menunggu pencairan anggaran dari pemda."),
    (TaskStatus.IN_PROGRESS, 80, "Tinggal dua kecamatan."),
]


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def seed(*, stdout=None) -> None:
    official = election_seed_pilkada_2024()
    if official.is_active:  # the real 2024 timeline is history; the demo counts down its copy
        official.is_active = False
        official.save(update_fields=["is_active"])
    shift = (timezone.localdate() + timedelta(days=45) - PILKADA_2024_VOTING_DAY).days
    election = election_seed_pilkada_2024(shift_days=shift, name=DEMO_ELECTION)

    province = Region.objects.get(code="17")
    regencies = list(Region.objects.filter(parent=province, level=RegionLevel.REGENCY))
    kpu = Agency.objects.get(name="KPU Provinsi Bengkulu")
    bawaslu = Agency.objects.get(name="Bawaslu Provinsi Bengkulu")
    polda = Agency.objects.get(name="Polda Bengkulu")
    korem = Agency.objects.get(name="Korem 041/Gamas")
    pemprov = Agency.objects.get(name="Pemerintah Provinsi Bengkulu")
    kesbangpol = Agency.objects.get(name="Badan Kesbangpol Provinsi Bengkulu")
    staff = Person.objects.get(email="kpu@demo.test")
    regency_staff = Person.objects.get(email="kpu.rejanglebong@demo.test")
    bawaslu_liaison = Person.objects.get(email="bawaslu@demo.test")
    polda_liaison = Person.objects.get(email="polda@demo.test")
    partners = [kpu, bawaslu, polda, korem, pemprov, kesbangpol]

    _checklist(election, regencies, staff)
    _meetings(
        election, province, kpu, partners, staff, regency_staff, bawaslu_liaison, polda_liaison
    )
    _province_tasks(election, province, bawaslu, polda, bawaslu_liaison, polda_liaison)
    if stdout:
        stdout.write(
            f"Coordination month: {Meeting.objects.count()} meetings, "
            f"{ReadinessTask.objects.count()} readiness tasks."
        )


def _checklist(election, regencies, staff) -> None:
    stages = {s.name: s for s in election.stages.all()}
    checklist = Checklist.objects.filter(name=CHECKLIST).first()
    if checklist is None:
        checklist = checklist_create(
            actor=None,
            name=CHECKLIST,
            election=election,
            description="Butir kesiapan yang sama untuk setiap KPU kabupaten/kota dan mitranya.",
            items=[
                {
                    "title": title,
                    "category": category,
                    "agency_kind": kind,
                    "days_before_voting": days,
                    "priority": TaskPriority.HIGH if days <= 15 else TaskPriority.NORMAL,
                    "stage": stages.get("Kampanye") if days <= 60 else None,
                }
                for title, category, kind, days in ITEMS
            ],
        )
    result = checklist_stamp(actor=None, checklist=checklist, regions=regencies)
    if not result.created:
        return
    # Status history: KPU staff of the province report for the regencies, in a varied pattern.
    tasks = ReadinessTask.objects.filter(checklist_item__checklist=checklist).order_by(
        "region_id", "checklist_item__order"
    )
    for index, task in enumerate(tasks):
        status, progress, note = PATTERNS[(index * 7 + len(task.region_id)) % len(PATTERNS)]
        if index % 6 == 5:
            continue  # some tasks have not started yet
        if status != TaskStatus.IN_PROGRESS:
            task_status_update(
                actor=staff, task=task, status=TaskStatus.IN_PROGRESS, progress=20, note="Dimulai."
            )
        task_status_update(actor=staff, task=task, status=status, progress=progress, note=note)


def _meetings(
    election, province, kpu, partners, staff, regency_staff, bawaslu_liaison, polda_liaison
):
    if Meeting.objects.filter(title__startswith="Rakor mingguan kesiapan Pilkada").exists():
        return
    common = {"region": province, "organiser": kpu, "invited_agencies": partners}
    for weeks_ago in (3, 2, 1):
        start = _at(-7 * weeks_ago, 9)
        meeting = meeting_create(
            actor=None,
            kind=MeetingKind.RAKOR,
            title=f"Rakor mingguan kesiapan Pilkada (pekan -{weeks_ago})",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            location="Aula KPU Provinsi Bengkulu, Jl. Pembangunan No. 11",
            online_url="https://meet.example.org/rakor-kpu-bengkulu",
            agenda=(
                "1. Laporan kesiapan per kabupaten/kota\n2. Logistik\n3. Pengamanan\n4. Lain-lain"
            ),
            status=MeetingStatus.HELD,
            **common,
        )
        present = list(meeting.invitees.values_list("person_id", flat=True))[:-1]
        meeting_attendance_record(actor=None, meeting=meeting, attended_person_ids=present)
        meeting_minutes_record(
            actor=None,
            meeting=meeting,
            minutes=(
                "Rapat dipimpin Ketua KPU Provinsi. Kesiapan gudang logistik di 8 dari 10 "
                "kabupaten/kota sudah baik; Kaur dan Mukomuko terkendala akses jalan. Polda "
                "menyampaikan pemetaan TPS rawan bersama Bawaslu."
            ),
        )
        action_items_create(
            actor=None,
            meeting=meeting,
            election=election,
            items=[
                {
                    "title": f"Laporan pemetaan TPS rawan (rakor pekan -{weeks_ago})",
                    "category": TaskCategory.OVERSIGHT,
                    "agency": partners[1],
                    "due_on": timezone.localdate() + timedelta(days=5 - 7 * weeks_ago),
                },
                {
                    "title": (
                        f"Rencana pengawalan logistik ke Kaur dan Mukomuko (pekan -{weeks_ago})"
                    ),
                    "category": TaskCategory.SECURITY,
                    "agency": partners[2],
                    "due_on": timezone.localdate() + timedelta(days=10 - 7 * weeks_ago),
                },
            ],
        )
    first = _at(7 - timezone.localdate().weekday(), 9)  # next Monday 09.00 WIB
    series = meeting_series_create(
        actor=None,
        frequency=SeriesFrequency.WEEKLY,
        until=first.date() + timedelta(weeks=4),
        kind=MeetingKind.RAKOR,
        title="Rakor mingguan kesiapan Pilkada",
        starts_at=first,
        ends_at=first + timedelta(hours=2),
        location="Aula KPU Provinsi Bengkulu, Jl. Pembangunan No. 11",
        online_url="https://meet.example.org/rakor-kpu-bengkulu",
        agenda="Laporan kesiapan mingguan per kabupaten/kota.",
        **common,
    )
    upcoming = series.meetings.order_by("starts_at").first()
    meeting_respond(actor=polda_liaison, meeting=upcoming, response=RSVP.ACCEPTED)
    # The Bawaslu liaison has not answered yet: the page shows the invitation waiting.

    rejang = Region.objects.get(code="17.02")
    kpu_rl = Agency.objects.get(name="KPU Kabupaten Rejang Lebong")
    rl_partners = [*Agency.objects.filter(region=rejang), partners[1]]
    start = _at(3, 8, 30)
    bimtek = meeting_create(
        actor=None,
        kind=MeetingKind.BIMTEK,
        title="Bimtek KPPS gelombang II Kabupaten Rejang Lebong",
        region=rejang,
        organiser=kpu_rl,
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        location="Gedung Serba Guna Curup",
        agenda="Tata cara pemungutan dan penghitungan suara di TPS; pengisian formulir C.",
        invited_agencies=rl_partners,
    )
    meeting_respond(actor=bawaslu_liaison, meeting=bimtek, response=RSVP.ACCEPTED)
    start = _at(10, 8)
    meeting_create(
        actor=None,
        kind=MeetingKind.SIMULATION,
        title="Simulasi pemungutan dan penghitungan suara di TPS",
        region=rejang,
        organiser=kpu_rl,
        starts_at=start,
        ends_at=start + timedelta(hours=5),
        location="Lapangan Setia Negara, Curup",
        agenda="Simulasi lengkap dengan KPPS, saksi, pengawas TPS dan pengamanan.",
        invited_agencies=rl_partners + [Agency.objects.get(name="Polda Bengkulu")],
        invited_people=[regency_staff],
    )


def _province_tasks(election, province, bawaslu, polda, bawaslu_liaison, polda_liaison) -> None:
    from coordination.services.readiness import task_create

    if ReadinessTask.objects.filter(
        region=province, checklist_item__isnull=True, meeting__isnull=True
    ).exists():
        return
    today = timezone.localdate()
    for title, category, agency, due, person, updates in [
        (
            "Indeks kerawanan pemilu tingkat provinsi diperbarui",
            TaskCategory.OVERSIGHT,
            bawaslu,
            today - timedelta(days=3),
            bawaslu_liaison,
            [
                (TaskStatus.IN_PROGRESS, 50, "Data 7 kabupaten masuk."),
                (TaskStatus.AT_RISK, 70, "Tiga kabupaten belum mengirim data."),
            ],
        ),
        (
            "Patroli gabungan masa kampanye",
            TaskCategory.SECURITY,
            polda,
            today + timedelta(days=12),
            polda_liaison,
            [(TaskStatus.IN_PROGRESS, 40, "Patroli berjalan di Kota Bengkulu dan Seluma.")],
        ),
        (
            "Pengawasan distribusi logistik ke daerah terpencil",
            TaskCategory.OVERSIGHT,
            bawaslu,
            today + timedelta(days=20),
            bawaslu_liaison,
            [(TaskStatus.BLOCKED, 10, "Menunggu jadwal distribusi dari KPU kabupaten.")],
        ),
    ]:
        task = task_create(
            actor=None,
            title=title,
            category=category,
            election=election,
            region=province,
            agency=agency,
            due_on=due,
            priority=TaskPriority.HIGH,
        )
        for status, progress, note in updates:
            task_status_update(actor=person, task=task, status=status, progress=progress, note=note)
