"""The integration API's test world: regency 17.01 (its KPU, a Bawaslu with a liaison) and
regency 17.02 (a Polres), each with a meeting, a task and a risk; keys for the Bawaslu (a
liaison's rights) and for the KPU of 17.01 (a KPU staff member's), with every scope unless a
test makes its own."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.enums import Scope
from api.services.keys import api_key_create
from kerawanan.models import IkpDimension
from tests import factories
from tests.integration.api.receiver import start_receiver

# The incident desk's world (every role of province 17), for the API's incident matrix.
from tests.integration.insiden.conftest import desk, report  # noqa: F401

ALL_SCOPES = list(Scope.values)


def make_key(agency, *, scopes=None, actor=None, name="Sistem uji", days=30):
    return api_key_create(
        actor=actor,
        agency=agency,
        name=name,
        scopes=ALL_SCOPES if scopes is None else scopes,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )


def key_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def risk(*, region, owner, title, visibility="terbatas"):
    from kerawanan.services.risks import risk_create
    from kerawanan.services.taxonomy import dimensions_seed

    dimensions_seed()
    return risk_create(
        actor=None,
        title=title,
        category="keamanan",
        dimension=IkpDimension.objects.filter(parent__isnull=True).first(),
        likelihood=4,
        impact=4,
        source="polri_tni",
        region=region,
        owner=owner,
        visibility=visibility,
    )


@pytest.fixture
def receiver(settings):
    """A webhook receiver on loopback (allowed by the setting tests may turn on)."""
    settings.PILKADA_WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.PILKADA_WEBHOOK_TIMEOUT_SECONDS = 1
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


@dataclass
class ApiWorld:
    regency: object
    other_regency: object
    kpu: object
    bawaslu: object
    polres_other: object
    staff: object
    liaison: object
    meeting: object
    meeting_other: object
    task: object
    task_other: object
    risk: object
    risk_other: object
    event: object
    draft: object
    liaison_key: object
    kpu_key: object


@pytest.fixture
def api_world(regency, other_regency, regency_staff, kpu_regency, bawaslu, bawaslu_liaison,
              polres_other, election, django_capture_on_commit_callbacks):  # fmt: skip
    factories.kpu_staff(other_regency, email="kpu.kab2@uji.test")
    with django_capture_on_commit_callbacks(execute=True):
        meeting = factories.meeting(
            region=regency, organiser=kpu_regency, invited=[kpu_regency, bawaslu],
            title="Rakor 17.01",
        )  # fmt: skip
        meeting_other = factories.meeting(region=other_regency, title="Rakor RAHASIA 17.02")
    task = factories.ReadinessTaskFactory(
        region=regency, agency=bawaslu, election=election, title="Tugas 17.01"
    )
    task_other = factories.ReadinessTaskFactory(
        region=other_regency, agency=polres_other, election=election, title="Tugas RAHASIA 17.02"
    )
    own_risk = risk(region=regency, owner=bawaslu, title="Kerawanan 17.01")
    other_risk = risk(region=other_regency, owner=polres_other, title="Kerawanan RAHASIA 17.02")
    event = factories.outreach_event("17.01.01.2001", title="Sosialisasi publik")
    draft = factories.outreach_event("17.02.01.2001", status="draft", title="Draf RAHASIA")
    return ApiWorld(
        regency=regency,
        other_regency=other_regency,
        kpu=kpu_regency,
        bawaslu=bawaslu,
        polres_other=polres_other,
        staff=regency_staff,
        liaison=bawaslu_liaison,
        meeting=meeting,
        meeting_other=meeting_other,
        task=task,
        task_other=task_other,
        risk=own_risk,
        risk_other=other_risk,
        event=event,
        draft=draft,
        liaison_key=make_key(bawaslu),
        kpu_key=make_key(kpu_regency),
    )
