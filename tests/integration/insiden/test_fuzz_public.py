"""The public "Lapor" form and status page under Hypothesis: any text, number, date, code or list
in any field, with a valid time stamp (so the input reaches the form's and the service's checks,
not only the guard), never answers a server error, and whatever it records is a public report
awaiting verification in a desa. `make test` sends a fixed sample (PILKADA_FUZZ_REQUESTS);
`make fuzz` more."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from coordination.enums import RegionLevel
from insiden.enums import Source, Status
from insiden.models import Incident
from pilkada.common import abuse
from tests import factories

REQUESTS = int(os.environ.get("PILKADA_FUZZ_REQUESTS", "150")) // 3
FRESH_SEED = os.environ.get("PILKADA_FUZZ_SEED", "") == "random"

FIELDS = [
    "category", "wilayah_kab", "wilayah_kec", "wilayah_desa", "tps_number", "occurred_date",
    "occurred_time", "description", "contact", "situs_web", "_pilih_wilayah",
]  # fmt: skip
SCALAR = st.one_of(
    st.text(max_size=300),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.from_regex(r"17(\.0[12](\.0[12](\.200[12])?)?)?", fullmatch=True),
    st.from_regex(r"20[0-9]{2}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.from_regex(r"[0-9]{2}:[0-9]{2}", fullmatch=True),
    st.sampled_from(["", "keamanan", "disabilitas", "lainnya", "\x00", "9" * 40]),
)
VALUE = SCALAR | st.lists(SCALAR, min_size=1, max_size=4)
PHOTOS = st.lists(
    st.sampled_from([b"GIF89a bukan foto", b"", b"\xff\xd8\xff\xe0 terpotong", "jpeg"]),
    max_size=4,
)


@pytest.fixture
def stamped(clock, desk):
    return clock


def _upload(content) -> SimpleUploadedFile:
    raw = factories.jpeg_bytes() if content == "jpeg" else content
    return SimpleUploadedFile("foto.jpg", raw, "image/jpeg")


@hypothesis_settings(
    max_examples=REQUESTS,
    derandomize=not FRESH_SEED,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_fuzz_report_form_never_a_server_error(client, stamped, settings, data):
    settings.PILKADA_PUBLIC_REPORT_LIMITS_IP = settings.PILKADA_PUBLIC_REPORT_LIMITS_NETWORK = ()
    settings.PILKADA_PUBLIC_REPORT_DUPLICATE_SECONDS = 1
    client.raise_request_exception = False
    stamp = abuse.FormStamp.make()
    stamped.now += 60
    chosen = data.draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=len(FIELDS)))
    body = {name: data.draw(VALUE, label=name) for name in chosen}
    body["cap_waktu"] = stamp
    photos = data.draw(PHOTOS, label="photos")
    if photos:
        body["photos"] = [_upload(p) for p in photos]
    response = client.post(reverse("insiden:public_report"), body)
    assert response.status_code in (200, 302, 429), body
    public = Incident.objects.filter(source=Source.PUBLIC)
    assert not public.exclude(region__level=RegionLevel.VILLAGE).exists()
    assert not public.exclude(status=Status.AWAITING).exists()


@hypothesis_settings(
    max_examples=REQUESTS,
    derandomize=not FRESH_SEED,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_fuzz_status_page_never_a_server_error(client, stamped, settings, data):
    settings.PILKADA_PUBLIC_STATUS_LIMITS_IP = settings.PILKADA_PUBLIC_STATUS_LIMITS_NETWORK = ()
    client.raise_request_exception = False
    code = data.draw(
        st.from_regex(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", fullmatch=True) | VALUE, label="code"
    )
    method = data.draw(st.sampled_from(["get", "post"]))
    response = getattr(client, method)(reverse("insiden:public_status"), {"code": code})
    assert response.status_code == 200, (method, code)
