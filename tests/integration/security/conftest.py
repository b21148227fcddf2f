"""A world with two regencies of province 17 and a second province 18, for the property tests of
authorization through form fields and for the request fuzz.

The visitors act in regency 17.01 (its KPU staff, a Bawaslu liaison) or province 17 (its KPU
staff); everything in regency 17.02 and province 18, and the second election, is outside the
regency staff's scope, and province 18 is outside the province staff's.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coordination.enums import AgencyKind, MeetingStatus, TaskStatus
from coordination.models import (
    Agency,
    Checklist,
    ChecklistItem,
    Delivery,
    ElectionStage,
    Region,
)
from coordination.services.meeting_records import meeting_document_add
from coordination.services.readiness import task_status_update
from tests import factories


@dataclass
class World:
    people: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def _stage(election, name, start):
    return ElectionStage.objects.create(
        election=election, name=name, starts_on=start, ends_on=start + dt.timedelta(days=30)
    )


@pytest.fixture
def world(bengkulu, django_capture_on_commit_callbacks):
    factories.region_tree("18", regencies=1, districts=1, villages=1)
    own, other = Region.objects.get(code="17.01"), Region.objects.get(code="17.02")
    far = Region.objects.get(code="18")
    staff = factories.kpu_staff(own, email="kpu.kab1@uji.test")
    province_staff = factories.kpu_staff(bengkulu, email="kpu.prov@uji.test")
    factories.kpu_staff(other, email="kpu.kab2@uji.test")
    factories.kpu_staff(far, email="kpu.prov18@uji.test")
    kpu_own = Agency.objects.get(kind=AgencyKind.KPU, region=own)
    kpu_other = Agency.objects.get(kind=AgencyKind.KPU, region=other)
    kpu_far = Agency.objects.get(kind=AgencyKind.KPU, region=far)
    bawaslu = factories.AgencyFactory(name="Bawaslu 17.01", kind=AgencyKind.BAWASLU, region=own)
    liaison = factories.liaison(bawaslu, email="bawaslu.kab1@uji.test")
    colleague = factories.liaison(bawaslu, email="bawaslu2.kab1@uji.test")
    polres = factories.AgencyFactory(name="Polres 17.02", kind=AgencyKind.POLRI, region=other)
    polres_liaison = factories.liaison(polres, email="polres.kab2@uji.test")
    far_agency = factories.AgencyFactory(name="Polda 18", kind=AgencyKind.POLRI, region=far)
    far_person = factories.liaison(far_agency, email="polda18@uji.test")
    election = factories.ElectionFactory(name="Pilkada Uji")
    other_election = factories.ElectionFactory(name="Pemilu Lain", is_active=False)
    today = timezone.localdate()
    stage = _stage(election, "Kampanye", today)
    other_stage = _stage(other_election, "Tahap Lain", today)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = factories.meeting(
            region=own, organiser=kpu_own, invited=[kpu_own, bawaslu], title="Rakor 17.01"
        )
        held = factories.meeting(
            region=own,
            organiser=kpu_own,
            invited=[kpu_own, bawaslu],
            title="Rakor lalu 17.01",
            starts_at=timezone.now() - dt.timedelta(hours=3),
            status=MeetingStatus.HELD,
        )
    task = factories.ReadinessTaskFactory(region=own, agency=bawaslu, election=election)
    task_other = factories.ReadinessTaskFactory(region=other, agency=polres, election=election)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_other = factories.meeting(
            region=other, organiser=kpu_other, invited=[kpu_other, polres], title="Rakor 17.02"
        )
        document = meeting_document_add(
            actor=staff, meeting=held, upload=SimpleUploadedFile("notulen.pdf", b"%PDF-1.4 uji")
        )
        update = task_status_update(
            actor=liaison,
            task=task,
            status=TaskStatus.AT_RISK,
            note="Gudang bocor",
            evidence_file=SimpleUploadedFile("foto.jpg", factories.jpeg_bytes()),
        )
    delivery = Delivery.objects.filter(meeting=meeting).first()
    superuser = factories.PersonFactory(email="root@uji.test")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save(update_fields=["is_superuser", "is_staff"])
    checklist = Checklist.objects.create(name="Logistik", election=election)
    ChecklistItem.objects.create(
        checklist=checklist,
        title="Gudang logistik siap",
        category="logistik",
        agency_kind=AgencyKind.KPU,
        days_before_voting=14,
    )
    event = factories.outreach_event(
        "17.01.01.2001", status="draft", title="Forum 17.01", organiser=kpu_own
    )
    event_other = factories.outreach_event("17.02.01.2001", status="draft", title="Forum 17.02")
    incident, incident_other = _incidents()
    public_report = _public_report()
    asked = factories.outreach_request("17.01.01.2001", email="warga1@uji.test")
    asked_other = factories.outreach_request("17.02.01.2001", email="warga2@uji.test")
    return World(
        people={
            "staff_17.01": staff,
            "province_staff": province_staff,
            "liaison_17.01": liaison,
            "superuser": superuser,
            "anonymous": None,
        },
        objects={
            "own": own,
            "other": other,
            "far": far,
            "kpu_own": kpu_own,
            "kpu_other": kpu_other,
            "kpu_far": kpu_far,
            "bawaslu": bawaslu,
            "liaison": liaison,
            "colleague": colleague,
            "polres": polres,
            "polres_liaison": polres_liaison,
            "far_agency": far_agency,
            "far_person": far_person,
            "election": election,
            "other_election": other_election,
            "stage": stage,
            "other_stage": other_stage,
            "meeting": meeting,
            "held": held,
            "task": task,
            "checklist": checklist,
            "event": event,
            "province_staff": province_staff,
            "staff": staff,
            "task_other": task_other,
            "meeting_other": meeting_other,
            "document": document,
            "update": update,
            "delivery": delivery,
            "event_other": event_other,
            "incident": incident,
            "incident_photo": incident.photos.get(),
            "incident_other": incident_other,
            "public_report": public_report,
            "asked": asked,
            "asked_other": asked_other,
        },
    )


def _incidents():
    """An incident with a photo in a village of 17.01 (Bawaslu's, reported by its liaison's
    agency) and a rahasia one in 17.02 (the Polres's)."""
    from insiden.services.incidents import incident_create

    def make(village, category, **fields):
        return incident_create(
            actor=None, title=f"Insiden {village}", category=category, severity=3,
            occurred_at=timezone.now(), region=Region.objects.get(code=village), **fields,
        )  # fmt: skip

    own = make(
        "17.01.01.2001", "politik_uang",
        photos=[SimpleUploadedFile("foto.jpg", factories.jpeg_bytes())],
    )  # fmt: skip
    return own, make("17.02.01.2001", "keamanan", visibility="rahasia")


def _public_report():
    """A report from the public awaiting verification beside the 17.01 incident (Bawaslu's: the
    same desa and category, so that incident is its merge suggestion)."""
    from insiden.services.public_reports import public_report_create

    report, _code = public_report_create(
        category="politik_uang",
        region=Region.objects.get(code="17.01.01.2001"),
        occurred_at=timezone.now(),
        description="Amplop dibagikan di dekat balai desa.",
        contact="0812 000 111",
    )
    return report
