"""Demo outreach schedule for Bengkulu: about 150 events over three months around today.

Idempotent: every demo event has a UUID derived from its number, so a second run finds the
events it made before and adds nothing (dates stay where the first run put them).
"""

import datetime as dt
import random
import uuid
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.formats import date_format

from coordination.enums import AgencyKind, RegionLevel
from coordination.models import Agency, Region
from coordination.selectors.readiness import active_election
from outreach.enums import FACE_TO_FACE_METHODS, AudienceSegment, EventStatus, OutreachMethod
from outreach.models import OutreachEvent, OutreachRequest
from outreach.services.events import (
    event_create,
    event_report_save,
    event_status_change,
    event_update,
)
from outreach.services.requests import (
    request_accept,
    request_confirm,
    request_create,
    request_decline,
    request_propose,
)

PROVINCE = "17"
EVENT_COUNT = 150
NAMESPACE = uuid.UUID("6f1d8f8e-54a1-4c1e-9d55-0b8a4f3d2c11")

FACE_TITLES = {
    OutreachMethod.FORUM_WARGA: "Forum warga: ayo ke TPS {voting_day_short}",
    OutreachMethod.DISKUSI: "Diskusi publik Pilkada damai",
    OutreachMethod.SEMINAR: "Seminar pendidikan pemilih",
    OutreachMethod.WORKSHOP: "Workshop relawan demokrasi",
    OutreachMethod.PELATIHAN: "Pelatihan kader pemilih cerdas",
    OutreachMethod.SIMULASI: "Simulasi pemungutan suara di TPS",
    OutreachMethod.TALK_SHOW: "Talk show bersama tokoh muda",
    OutreachMethod.BUDAYA_LOKAL: "Sosialisasi lewat seni budaya lokal",
}
MEDIA = {
    OutreachMethod.RADIO: ("Dialog interaktif Pilkada", "RRI Bengkulu Pro 1, Dialog Pagi"),
    OutreachMethod.TELEVISI: ("Siaran Pilkada sehat", "TVRI Bengkulu, Bengkulu Menyapa"),
    OutreachMethod.MEDIA_CETAK: ("Advertorial tahapan Pilkada", "Bengkulu Ekspress, halaman 5"),
    OutreachMethod.MEDIA_DARING: ("Artikel cek data pemilih", "Portal berita daring lokal"),
    OutreachMethod.SITUS_WEB: ("Publikasi daftar pemilih tetap", "Situs web KPU"),
    OutreachMethod.MEDIA_SOSIAL: ("Siaran langsung tanya jawab Pilkada", "Instagram KPU"),
    OutreachMethod.MEDIA_LUAR_RUANG: ("Baliho hari pemungutan suara", "Baliho di simpang kota"),
    OutreachMethod.PERTEMUAN_VIRTUAL: ("Webinar pemilih pemula", "Zoom KPU"),
}
# Dates in the demo's words are computed from the demo timeline (voting day 45 days after the
# first run), never written, so the text and the countdown agree.
DESCRIPTION = (
    "Sosialisasi tahapan Pilkada, cara memeriksa nama di daftar pemilih, dan tata cara mencoblos "
    "di TPS pada hari pemungutan suara, {voting_day_long}."
)
VOTING_DAY_FALLBACK_DAYS = 45
VENUES = ["Balai desa", "Aula kantor camat", "Masjid jami", "Gedung serbaguna", "Lapangan desa"]
HOURS = [8, 9, 10, 13, 14, 15, 19, 20]


def _demo_uid(number: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"outreach-demo-{number}")


def demo_dates(today: dt.date) -> dict[str, str]:
    """Voting day of the demo timeline (the active election's), in Indonesian words."""
    election = active_election()
    voting_day = (
        election.voting_day if election else today + dt.timedelta(days=VOTING_DAY_FALLBACK_DAYS)
    )
    with translation.override("id"):
        return {
            "voting_day_short": date_format(voting_day, "j F"),
            "voting_day_long": date_format(voting_day, "l, j F Y"),
        }


def seed(*, stdout=None) -> None:
    rng = random.Random(2024)
    regencies = list(
        Region.objects.filter(parent_id=PROVINCE, level=RegionLevel.REGENCY).order_by("code")
    )
    if not regencies:
        return
    kpu = {a.region_id: a for a in Agency.objects.filter(kind=AgencyKind.KPU)}
    partners_by_region = {}
    for agency in Agency.objects.filter(region__code__startswith=PROVINCE).exclude(
        kind=AgencyKind.KPU
    ):
        partners_by_region.setdefault(agency.region_id, []).append(agency)
    districts = {}
    for district in Region.objects.filter(
        code__startswith=PROVINCE + ".", level=RegionLevel.DISTRICT
    ).order_by("code"):
        districts.setdefault(district.parent_id, []).append(district)
    villages = {}
    for village in Region.objects.filter(
        code__startswith=PROVINCE + ".", level=RegionLevel.VILLAGE
    ).order_by("code"):
        villages.setdefault(village.parent_id, []).append(village)
    # Hard-to-reach villages (set by KPU staff in a real deployment): the last of a few districts.
    remote = [villages[d.code][-1].code for r in regencies for d in districts[r.code][:2]]
    Region.objects.filter(code__in=remote, is_remote=False).update(is_remote=True)

    existing = set(
        OutreachEvent.objects.filter(
            uid__in=[_demo_uid(n) for n in range(EVENT_COUNT)]
        ).values_list("uid", flat=True)
    )
    today = timezone.localdate()
    now = timezone.now()
    dates = demo_dates(today)
    face = [m for m in OutreachMethod if m in FACE_TO_FACE_METHODS]
    media = [m for m in OutreachMethod if m not in FACE_TO_FACE_METHODS]
    segments = list(AudienceSegment.values)
    created = 0
    for number in range(EVENT_COUNT):
        regency = regencies[number % len(regencies)]
        is_face = number % 10 < 7
        method = (face if is_face else media)[
            (number // 2) % (len(face) if is_face else len(media))
        ]
        # Leave the last two districts of every regency without face-to-face outreach.
        reachable = districts[regency.code][:-2] or districts[regency.code]
        district = reachable[rng.randrange(len(reachable))]
        if is_face:
            region = rng.choice(villages[district.code]) if number % 4 else district
        else:
            region = regency
        day = today + dt.timedelta(days=(number * 7) % 91 - 45)
        zone = ZoneInfo(region.timezone)
        starts_at = dt.datetime.combine(day, dt.time(HOURS[number % len(HOURS)]), tzinfo=zone)
        chosen = {segments[number % len(segments)], segments[(number * 3 + 1) % len(segments)]}
        uid = _demo_uid(number)
        if uid in existing:
            continue
        organiser = kpu.get(regency.code) or kpu.get(PROVINCE)
        if organiser is None:
            continue
        partner_pool = partners_by_region.get(regency.code, [])
        title = (FACE_TITLES[method] if is_face else MEDIA[method][0]).format(**dates)
        place = region.name if region.level == RegionLevel.VILLAGE else f"Kecamatan {region.name}"
        event = event_create(
            actor=None,
            title=f"{title} — {place if is_face else regency.name}",
            description=DESCRIPTION.format(**dates),
            method=method,
            segments=sorted(chosen),
            region=region,
            venue=f"{VENUES[number % len(VENUES)]} {region.name}" if is_face else "",
            channel="" if is_face else MEDIA[method][1],
            online_url="https://kpu.go.id" if method == OutreachMethod.PERTEMUAN_VIRTUAL else "",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2 if is_face else 1),
            organiser=organiser,
            partners=rng.sample(partner_pool, k=min(2, len(partner_pool))),
            status=EventStatus.DRAFT if number % 17 == 5 else EventStatus.PUBLISHED,
        )
        OutreachEvent.objects.filter(pk=event.pk).update(uid=uid)
        event.uid = uid
        if event.status == EventStatus.PUBLISHED and event.ends_at < now and number % 3:
            total = 40 + rng.randrange(160)
            event_report_save(
                actor=None,
                event=event,
                participants=total,
                women=total * rng.randrange(35, 60) // 100,
                people_with_disabilities=rng.randrange(0, 6),
                first_time_voters=total * rng.randrange(10, 40) // 100,
                notes="Peserta antusias; banyak pertanyaan tentang pindah memilih.",
            )
        elif number == 42 and event.status == EventStatus.PUBLISHED:
            event_status_change(
                actor=None,
                event=event,
                status=EventStatus.CANCELLED,
                note="Ditunda karena cuaca buruk; jadwal baru diumumkan kemudian.",
            )
        created += 1
    if stdout is not None:
        stdout.write(f"Outreach: {created} demo events added ({len(existing)} already there).")
    asked = _seed_requests(regencies, districts, villages, kpu, today, dates)
    if stdout is not None:
        stdout.write(f"Outreach: {asked} demo requests from the public added.")


# (requester, kind, segment, participants, days ahead, what KPU answered)
REQUESTS = [
    ("Pemerintah Desa", "pemerintah_desa", "masyarakat_umum", 80, 12, "open"),
    ("SMA Negeri", "sekolah", "pemilih_pemula", 120, 16, "accepted"),
    ("Pondok Pesantren Nurul Huda", "pesantren", "keagamaan", 150, 20, "proposed"),
    ("Persatuan Tunanetra Indonesia", "disabilitas", "disabilitas", 35, 9, "open"),
    ("Kelompok Tani Sumber Rezeki", "komunitas", "komunitas", 50, 25, "declined"),
]


def _seed_requests(regencies, districts, villages, kpu, today, dates) -> int:
    """Requests from villages of the districts the demo schedule leaves without face-to-face
    outreach (remote ones first), so the coverage report shows demand where none has come."""
    added = 0
    for number, (name, kind, segment, people, ahead, answer) in enumerate(REQUESTS):
        uid = _demo_uid(10_000 + number)
        if OutreachRequest.objects.filter(uid=uid).exists():
            continue
        regency = regencies[number % len(regencies)]
        district = districts[regency.code][-1 - number % 2]
        pool = villages[district.code]
        village = next((v for v in reversed(pool) if v.is_remote), pool[-1])
        request = request_create(
            requester_name=f"{name} {village.name}" if kind != "disabilitas" else name,
            requester_kind=kind,
            segment=segment,
            region=village,
            dates=[today + dt.timedelta(days=ahead), today + dt.timedelta(days=ahead + 7)],
            participants=people,
            email=f"pemohon{number + 1}@contoh.test",
            note="Kami siapkan tempat dan pengeras suara.",
        )
        OutreachRequest.objects.filter(pk=request.pk).update(uid=uid)
        request.uid = uid
        request = request_confirm(request=request)
        organiser = kpu.get(regency.code) or kpu.get(PROVINCE)
        if answer == "accepted" and organiser is not None:
            zone = ZoneInfo(village.timezone)
            starts_at = dt.datetime.combine(request.first_date, dt.time(9), tzinfo=zone)
            event = request_accept(
                actor=None,
                request=request,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=2),
                method=OutreachMethod.SIMULASI,
                organiser=organiser,
                venue=f"Aula {request.requester_name}",
            )
            event_update(
                actor=None,
                event=event,
                description=f"{event.description} {DESCRIPTION.format(**dates)}",
            )
        elif answer == "proposed":
            request_propose(
                actor=None,
                request=request,
                date=today + dt.timedelta(days=ahead + 3),
                note="Tanggal yang diminta bertepatan dengan rapat pleno.",
            )
        elif answer == "declined":
            request_decline(
                actor=None,
                request=request,
                reason="Jadwal bulan ini penuh; silakan ikuti forum warga di kecamatan.",
            )
        added += 1
    return added
