"""Factories for every model the tests build; one place, so tests read the same everywhere."""

from datetime import timedelta

import factory
from django.utils import timezone

from coordination.enums import AgencyKind, MeetingKind, RegionLevel, Role
from coordination.models import Agency, Meeting, MeetingInvitee, Membership, Person, Region

DEFAULT_PASSWORD = "uji-kata-sandi-2024"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 80) + 11:02d}")
    name = factory.Sequence(lambda n: f"Provinsi {n}")
    level = RegionLevel.PROVINCE
    parent = None


def region_tree(
    province_code: str = "17",
    regencies: int = 2,
    districts: int = 2,
    villages: int = 2,
    timezone_name: str = "Asia/Jakarta",
) -> Region:
    """A small hierarchy with official-looking codes: 17, 17.01, 17.01.01, 17.01.01.2001."""
    province = RegionFactory(
        code=province_code,
        name=f"Provinsi {province_code}",
        level=RegionLevel.PROVINCE,
        timezone=timezone_name,
    )
    for r in range(1, regencies + 1):
        regency = RegionFactory(
            code=f"{province_code}.{r:02d}",
            name=f"Kabupaten {province_code}.{r:02d}",
            level=RegionLevel.REGENCY,
            parent=province,
            timezone=timezone_name,
        )
        for d in range(1, districts + 1):
            district = RegionFactory(
                code=f"{regency.code}.{d:02d}",
                name=f"Kecamatan {regency.code}.{d:02d}",
                level=RegionLevel.DISTRICT,
                parent=regency,
                timezone=timezone_name,
            )
            for v in range(1, villages + 1):
                RegionFactory(
                    code=f"{district.code}.{2000 + v}",
                    name=f"Desa {district.code}.{2000 + v}",
                    level=RegionLevel.VILLAGE,
                    parent=district,
                    timezone=timezone_name,
                )
    return province


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"orang{n}@uji.test")
    full_name = factory.Sequence(lambda n: f"Orang Uji {n}")
    date_joined = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save(update_fields=["password"])


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Lembaga Uji {n}")
    kind = AgencyKind.OTHER
    region = factory.SubFactory(RegionFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.LIAISON


def kpu_staff(region: Region, **person_fields) -> Person:
    """A person who is KPU staff of the KPU office serving `region`."""
    agency = Agency.objects.filter(kind=AgencyKind.KPU, region=region).first() or AgencyFactory(
        kind=AgencyKind.KPU, region=region, name=f"KPU {region.name}"
    )
    person = PersonFactory(**person_fields)
    MembershipFactory(person=person, agency=agency, role=Role.KPU_STAFF)
    return person


def liaison(agency: Agency, **person_fields) -> Person:
    person = PersonFactory(**person_fields)
    MembershipFactory(person=person, agency=agency, role=Role.LIAISON)
    return person


# --- meetings and readiness -------------------------------------------------------------------


def meeting_fields(region: Region, organiser: Agency, invited=None, **extra) -> dict:
    """The keyword arguments of `meeting_create` for a rakor two days ahead (whole minutes),
    inviting `invited` (the organiser when not given); `extra` replaces any of them."""
    from coordination.enums import MeetingKind

    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    fields = {
        "kind": MeetingKind.RAKOR,
        "title": "Rakor pengamanan TPS",
        "region": region,
        "organiser": organiser,
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "location": "Aula KPU Kabupaten",
        "invited_agencies": [organiser] if invited is None else invited,
    }
    fields.update(extra)
    return fields


def meeting(*, region: Region, organiser: Agency | None = None, invited=(), **fields):
    """A scheduled meeting through the service (so invitee rows exist), starting tomorrow."""
    from coordination.enums import MeetingKind
    from coordination.services.meetings import meeting_create

    starts_at = fields.pop("starts_at", timezone.now() + timedelta(days=1))
    organiser = organiser or Agency.objects.filter(kind=AgencyKind.KPU, region=region).first()
    if organiser is None:
        organiser = AgencyFactory(kind=AgencyKind.KPU, region=region, name=f"KPU {region.name}")
    invited = list(invited) or [organiser]
    defaults = {
        "kind": MeetingKind.RAKOR,
        "title": "Rakor kesiapan logistik",
        "location": "Aula KPU",
        "ends_at": starts_at + timedelta(hours=2),
    }
    defaults.update(fields)
    return meeting_create(
        actor=None,
        region=region,
        organiser=organiser,
        starts_at=starts_at,
        invited_agencies=invited,
        **defaults,
    )


class ElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coordination.Election"
        django_get_or_create = ("name",)

    name = "Pilkada Uji"
    voting_day = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))


class ReadinessTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coordination.ReadinessTask"

    title = factory.Sequence(lambda n: f"Tugas uji {n}")
    category = "logistik"
    election = factory.SubFactory(ElectionFactory)
    region = factory.SubFactory(RegionFactory)
    agency = factory.SubFactory(AgencyFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))


class MeetingFactory(factory.django.DjangoModelFactory):
    """A rakor two days from now, two hours long, organised by a KPU office of its region."""

    class Meta:
        model = Meeting

    kind = MeetingKind.RAKOR
    title = factory.Sequence(lambda n: f"Rapat Koordinasi Uji {n}")
    region = factory.SubFactory(RegionFactory)
    organiser = factory.LazyAttribute(
        lambda o: (
            Agency.objects.filter(kind=AgencyKind.KPU, region=o.region).first()
            or AgencyFactory(kind=AgencyKind.KPU, region=o.region, name=f"KPU {o.region.name}")
        )
    )
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    location = "Aula KPU Provinsi Bengkulu"
    agenda = "Kesiapan logistik pemungutan suara"
    reminder_offsets = factory.LazyFunction(lambda: [1440, 60])


def invite(meeting: Meeting, *people: Person, agency: Agency | None = None) -> None:
    """Invite people in person (MeetingInvitee rows), as the meeting services do."""
    for person in people:
        MeetingInvitee.objects.create(meeting=meeting, person=person, agency=agency)


# --- outreach ---------------------------------------------------------------------------------


def outreach_event(
    region_code: str = "17.01.01.2001",
    *,
    when=None,
    hours: int = 2,
    status: str = "published",
    method: str = "forum_warga",
    segments=("masyarakat_umum",),
    organiser: Agency | None = None,
    **fields,
):
    """An outreach event made through the service (so derived fields are right), `when` aware
    (default: tomorrow 09:00 in the region's zone)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from outreach.enums import EventStatus, is_face_to_face
    from outreach.services.events import event_create, event_status_change

    region = Region.objects.get(code=region_code)
    if when is None:
        day = timezone.localdate() + dt.timedelta(days=1)
        when = dt.datetime.combine(day, dt.time(9, 0), tzinfo=ZoneInfo(region.timezone))
    if organiser is None:
        province = Region.objects.get(code=region_code[:2])
        organiser = Agency.objects.filter(kind=AgencyKind.KPU, region=province).first()
        organiser = organiser or AgencyFactory(
            kind=AgencyKind.KPU, region=province, name=f"KPU {province.name}"
        )
    fields.setdefault("title", f"Sosialisasi di {region.name}")
    if is_face_to_face(method):
        fields.setdefault("venue", "Balai desa")
    else:
        fields.setdefault("channel", "RRI Pro 1")
    event = event_create(
        actor=None,
        method=method,
        segments=segments,
        region=region,
        starts_at=when,
        ends_at=when + dt.timedelta(hours=hours),
        organiser=organiser,
        status=EventStatus.DRAFT if status == EventStatus.DRAFT else EventStatus.PUBLISHED,
        **fields,
    )
    if status in (EventStatus.CANCELLED,):
        event = event_status_change(actor=None, event=event, status=status)
    elif status == EventStatus.DONE:
        # Done needs a start in the past; set directly, as a test fixture of history.
        event.status = EventStatus.DONE
        event.save(update_fields=["status"])
    return event


def outreach_request(
    region_code: str = "17.01.01.2001",
    *,
    status: str = "open",
    days_ahead: int = 10,
    email: str = "pemohon@uji.test",
    **fields,
):
    """A public outreach request made through the service; `status` "open" confirms it,
    "unconfirmed" leaves it as made."""
    import datetime as dt

    from outreach.services.requests import request_confirm, request_create

    fields.setdefault("requester_name", "Pemerintah Desa Uji")
    fields.setdefault("requester_kind", "pemerintah_desa")
    fields.setdefault("segment", "pemilih_pemula")
    fields.setdefault("participants", 40)
    request = request_create(
        region=Region.objects.get(code=region_code),
        dates=[timezone.localdate() + dt.timedelta(days=days_ahead)],
        email=email,
        **fields,
    )
    if status != "unconfirmed":
        request = request_confirm(request=request)
    return request


def jpeg_bytes(size: tuple[int, int] = (8, 6)) -> bytes:
    """A small real JPEG: uploaded pictures are decoded and re-encoded, so fake bytes with a
    JPEG header are refused."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format="JPEG")
    return out.getvalue()
