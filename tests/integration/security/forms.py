"""Every form a role can post, as data: where it posts, a valid body in the role's own scope, and
for each choice, hidden or id field the values that lie outside that scope (another regency's
region, another agency, a person of another agency as delegate, an agency not invited to the
meeting, a stage of another election, an organiser outside the regency).

The property test (test_form_authorization.py) replaces one field at a time; the fuzz
(test_fuzz.py) reuses the bodies as the shape of what it sends.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class FormCase:
    name: str
    role: str
    url: Callable  # world -> path
    body: Callable  # world -> dict (a valid post, in scope)
    # field -> world -> list of out-of-scope values (a value, or a list for a multi-value field)
    outside: dict[str, Callable] = field(default_factory=dict)


def _local(days: int = 2, hour: int = 9) -> str:
    day = timezone.localdate() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def _day(days: int = 14) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _meeting_body(w) -> dict:
    return {
        "kind": "rakor",
        "title": "Rakor uji",
        "region": w.own.code,
        "organiser": w.kpu_own.pk,
        "starts_at": _local(),
        "ends_at": _local(hour=11),
        "location": "Aula KPU",
        "invited_agencies": [w.kpu_own.pk, w.bawaslu.pk],
        "agenda": "",
        "reminder_offsets": "1440, 60",
    }


def _meeting_outside(w) -> dict:
    return {
        "region": lambda w: [w.other.code, "17.02.01", w.far.code, "17"],
        "organiser": lambda w: [w.kpu_other.pk, w.polres.pk, w.kpu_far.pk],
        "invited_agencies": lambda w: [[w.polres.pk], [w.kpu_own.pk, w.far_agency.pk]],
        "invited_people": lambda w: [[w.polres_liaison.pk], [w.far_person.pk]],
    }


def _task_body(w) -> dict:
    return {
        "title": "Tugas uji",
        "category": "logistik",
        "election": w.election.pk,
        "stage": w.stage.pk,
        "region": w.own.code,
        "agency": w.bawaslu.pk,
        "due_on": _day(),
        "priority": "normal",
    }


TASK_OUTSIDE = {
    "region": lambda w: [w.other.code, w.far.code, "17"],
    "agency": lambda w: [w.polres.pk, w.far_agency.pk, w.kpu_other.pk],
    "stage": lambda w: [w.other_stage.pk],
}


def _task_csv(w, *, region=None, agency=None) -> SimpleUploadedFile:
    text = (
        "judul,kategori,wilayah,lembaga,tenggat\r\n"
        f"Gudang siap,logistik,{region or w.own.code},{agency or w.bawaslu.name},{_day()}\r\n"
    )
    return SimpleUploadedFile("tugas.csv", text.encode(), "text/csv")


def _event_body(w, *, status: bool = True) -> dict:
    body = {
        "title": "Forum warga uji",
        "description": "",
        "method": "forum_warga",
        "segments": ["masyarakat_umum"],
        "wilayah_kab": "17.01",
        "wilayah_kec": "17.01.01",
        "wilayah_desa": "17.01.01.2001",
        "venue": "Balai desa",
        "channel": "",
        "online_url": "",
        "starts_at": _local(hour=9).replace("T", " "),
        "ends_at": _local(hour=11).replace("T", " "),
        "organiser": w.kpu_own.pk,
        "partners": [],
    }
    if status:
        body["status"] = "draft"
    return body


EVENT_OUTSIDE = {
    "wilayah_kab": lambda w: ["17.02", "18", "18.01"],
    "wilayah_kec": lambda w: ["17.02.01", "18.01.01"],
    "wilayah_desa": lambda w: ["17.02.01.2001", "18.01.01.2001", "17.01.02.2001x"],
    "organiser": lambda w: [w.kpu_other.pk, w.polres.pk, w.kpu_far.pk],
    "partners": lambda w: [[w.far_agency.pk], [w.bawaslu.pk, w.kpu_far.pk]],
}


def _event_csv(w, *, region="17.01.01.2001", organiser=None, partner="") -> SimpleUploadedFile:
    start = _local().replace("T", " ")
    end = _local(hour=11).replace("T", " ")
    text = (
        "judul,metode,segmen,kode_wilayah,tempat,mulai,selesai,penyelenggara,mitra\r\n"
        f"Forum,forum_warga,masyarakat_umum,{region},Balai,{start},{end},"
        f"{organiser or w.kpu_own.pk},{partner}\r\n"
    )
    return SimpleUploadedFile("acara.csv", text.encode(), "text/csv")


def _checklist_body(w) -> dict:
    return {
        "name": "Daftar uji",
        "description": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-title": "Gudang",
        "items-0-category": "logistik",
        "items-0-agency_kind": "kpu",
        "items-0-days": "14",
        "items-0-relation": "before",
        "items-0-stage": w.stage.pk,
        "items-0-priority": "normal",
    }


CASES = [
    FormCase(
        "meeting create",
        "staff_17.01",
        lambda w: reverse("coordination:meeting_create"),
        _meeting_body,
        _meeting_outside(None),
    ),
    FormCase(
        "meeting create (province)",
        "province_staff",
        lambda w: reverse("coordination:meeting_create"),
        lambda w: {**_meeting_body(w), "region": "17", "organiser": w.kpu_own.pk},
        {
            "region": lambda w: [w.far.code, "18.01"],
            "organiser": lambda w: [w.kpu_far.pk, w.far_agency.pk],
            "invited_agencies": lambda w: [[w.far_agency.pk]],
            "invited_people": lambda w: [[w.far_person.pk]],
        },
    ),
    FormCase(
        "meeting edit",
        "staff_17.01",
        lambda w: reverse("coordination:meeting_edit", args=[w.meeting.pk]),
        _meeting_body,
        _meeting_outside(None),
    ),
    FormCase(
        "meeting minutes and action items",
        "staff_17.01",
        lambda w: reverse("coordination:meeting_minutes", args=[w.held.pk]),
        lambda w: {
            "minutes": "Disepakati.",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-title": "Patroli",
            "actions-0-category": "keamanan",
            "actions-0-agency": w.bawaslu.pk,
            "actions-0-due_on": _day(),
        },
        # Agencies not invited to the meeting, in scope or not.
        {"actions-0-agency": lambda w: [w.polres.pk, w.far_agency.pk, w.kpu_other.pk]},
    ),
    FormCase(
        "meeting attendance",
        "staff_17.01",
        lambda w: reverse("coordination:meeting_attendance", args=[w.held.pk]),
        lambda w: {"present": [w.liaison.pk]},
        {"present": lambda w: [[w.polres_liaison.pk], [w.liaison.pk, w.far_person.pk]]},
    ),
    FormCase(
        "meeting answer with a delegate",
        "liaison_17.01",
        lambda w: reverse("coordination:meeting_respond", args=[w.meeting.pk]),
        lambda w: {"response": "delegated", "delegate": w.colleague.pk},
        {
            "delegate": lambda w: [w.polres_liaison.pk, w.far_person.pk, w.staff.pk],
            "response": lambda w: ["pending", "maybe"],
        },
    ),
    FormCase(
        "task create",
        "staff_17.01",
        lambda w: reverse("coordination:task_create"),
        _task_body,
        TASK_OUTSIDE,
    ),
    FormCase(
        "task edit",
        "staff_17.01",
        lambda w: reverse("coordination:task_edit", args=[w.task.pk]),
        _task_body,
        TASK_OUTSIDE,
    ),
    FormCase(
        "task status update",
        "liaison_17.01",
        lambda w: reverse("coordination:task_detail", args=[w.task.pk]),
        lambda w: {"status": "in_progress", "progress": "40", "note": "Berjalan"},
        {"status": lambda w: ["selesai!", "deleted"]},
    ),
    FormCase(
        "task import (CSV)",
        "staff_17.01",
        lambda w: reverse("coordination:task_import"),
        lambda w: {"election": w.election.pk, "file": _task_csv(w)},
        {
            "file": lambda w: [
                _task_csv(w, region=w.other.code),
                _task_csv(w, region=w.far.code),
                _task_csv(w, agency=w.polres.name),
                _task_csv(w, agency=w.far_agency.name),
            ],
        },
    ),
    FormCase(
        "checklist stamp",
        "staff_17.01",
        lambda w: reverse("coordination:checklist_stamp"),
        lambda w: {"checklist": w.checklist.pk, "regions": [w.own.code]},
        {"regions": lambda w: [[w.other.code], [w.own.code, w.other.code], [w.far.code]]},
    ),
    FormCase(
        "invitation",
        "staff_17.01",
        lambda w: reverse("coordination:invitation_create"),
        lambda w: {
            "full_name": "Orang Baru",
            "email": "baru@uji.test",
            "agency": w.bawaslu.pk,
            "role": "liaison",
        },
        {"agency": lambda w: [w.polres.pk, w.far_agency.pk, w.kpu_other.pk]},
    ),
    FormCase(
        "agency create",
        "staff_17.01",
        lambda w: reverse("coordination:agency_create"),
        lambda w: {"name": "Kesbangpol 17.01", "kind": "kesbangpol", "region": w.own.code},
        {"region": lambda w: [w.other.code, w.far.code, "17"]},
    ),
    FormCase(
        "reminder defaults",
        "staff_17.01",
        lambda w: reverse("coordination:reminder_defaults"),
        lambda w: {"region": w.own.code, "minutes_before": ["1440", "60"]},
        {"region": lambda w: [w.other.code, w.far.code, "17"]},
    ),
    FormCase(
        "checklist template (province)",
        "province_staff",
        lambda w: reverse("coordination:checklist_create", args=[w.election.pk]),
        _checklist_body,
        {"items-0-stage": lambda w: [w.other_stage.pk]},  # a stage of another election
    ),
    FormCase(
        "outreach event create",
        "staff_17.01",
        lambda w: reverse("outreach:manage_create"),
        _event_body,
        EVENT_OUTSIDE,
    ),
    FormCase(
        "outreach event edit",
        "staff_17.01",
        lambda w: reverse("outreach:manage_update", args=[w.event.pk]),
        lambda w: _event_body(w, status=False),
        EVENT_OUTSIDE,
    ),
    FormCase(
        "outreach duplicate to other regions",
        "staff_17.01",
        lambda w: reverse("outreach:manage_duplicate", args=[w.event.pk]),
        lambda w: {"codes": "17.01.02", "dates": _day(20)},
        {
            "districts": lambda w: [["17.02.01"], ["18.01.01"]],
            "codes": lambda w: ["17.02", "18", "17.02.01.2001", "17.01.02 18.01"],
        },
    ),
    FormCase(
        "outreach import (CSV)",
        "staff_17.01",
        lambda w: reverse("outreach:manage_import"),
        lambda w: {"file": _event_csv(w)},
        {
            "file": lambda w: [
                _event_csv(w, region="17.02.01.2001"),
                _event_csv(w, region="18.01.01.2001"),
                _event_csv(w, organiser=w.kpu_other.pk),
                _event_csv(w, organiser=w.far_agency.name),
                _event_csv(w, partner=w.far_agency.pk),
            ],
        },
    ),
    FormCase(
        "outreach request accept",
        "staff_17.01",
        lambda w: reverse("outreach:request_accept", args=[w.asked.pk]),
        lambda w: {
            "terima-date": _day(20),
            "terima-start": "09:00",
            "terima-end": "11:00",
            "terima-method": "forum_warga",
            "terima-venue": "Balai desa",
            "terima-organiser": w.kpu_own.pk,
        },
        {"terima-organiser": lambda w: [w.kpu_other.pk, w.polres.pk, w.kpu_far.pk]},
    ),
    FormCase(
        "public report verify",
        "liaison_17.01",
        lambda w: reverse("insiden:triage_verify", args=[w.public_report.pk]),
        lambda w: {"severity": "3"},
        {"severity": lambda w: ["0", "5", "tinggi"]},
    ),
    FormCase(
        "public report merge into a suggestion",
        "liaison_17.01",
        lambda w: reverse("insiden:triage_merge", args=[w.public_report.pk]),
        lambda w: {"into": w.incident.pk},
        {"into": lambda w: [w.incident_other.pk, w.public_report.pk]},
    ),
    FormCase(
        "outreach status",
        "staff_17.01",
        lambda w: reverse("outreach:manage_status", args=[w.event.pk]),
        lambda w: {"status": "published", "note": ""},
        {"status": lambda w: ["done", "deleted", "draft"]},
    ),
]
