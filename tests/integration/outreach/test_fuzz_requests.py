"""The public "Minta sosialisasi" form and follow page under Hypothesis: any text, number, date
or list in any field, with a valid time stamp (so the input reaches the form's and the service's
checks, not only the guard), never answers a server error, and whatever it records is a request
in a desa. `make test` sends a fixed sample (PILKADA_FUZZ_REQUESTS); `make fuzz` more."""

import os

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from coordination.enums import RegionLevel
from outreach.models import OutreachRequest
from outreach.tokens import request_token
from pilkada.common import abuse
from tests import factories

REQUESTS = int(os.environ.get("PILKADA_FUZZ_REQUESTS", "150")) // 3
FRESH_SEED = os.environ.get("PILKADA_FUZZ_SEED", "") == "random"

FIELDS = [
    "requester_name", "requester_kind", "segment", "wilayah_kab", "wilayah_kec", "wilayah_desa",
    "date_1", "date_2", "date_3", "participants", "email", "phone", "note", "situs_web",
    "_pilih_wilayah",
]  # fmt: skip
SCALAR = st.one_of(
    st.text(max_size=300),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.from_regex(r"17(\.0[12](\.0[12](\.200[12])?)?)?", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.sampled_from(["", "pemerintah_desa", "perempuan", "a@uji.test", "\x00", "9" * 40]),
)
VALUE = SCALAR | st.lists(SCALAR, min_size=1, max_size=4)


@pytest.fixture
def stamped(clock, bengkulu):
    return clock


@hypothesis_settings(
    max_examples=REQUESTS,
    derandomize=not FRESH_SEED,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_fuzz_request_form_never_a_server_error(client, stamped, settings, data):
    settings.OUTREACH_REQUEST_LIMITS_IP = settings.OUTREACH_REQUEST_LIMITS_NETWORK = ()
    settings.OUTREACH_REQUEST_LIMITS_EMAIL = ()
    client.raise_request_exception = False
    stamp = abuse.FormStamp.make()
    stamped.now += 60
    chosen = data.draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=len(FIELDS)))
    body = {name: data.draw(VALUE, label=name) for name in chosen}
    body["cap_waktu"] = stamp
    response = client.post(reverse("outreach:request_form"), body)
    assert response.status_code in (200, 302, 429), body
    assert not OutreachRequest.objects.exclude(region__level=RegionLevel.VILLAGE).exists()


@hypothesis_settings(
    max_examples=REQUESTS,
    derandomize=not FRESH_SEED,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_fuzz_follow_and_confirm_pages_never_a_server_error(client, bengkulu, data):
    client.raise_request_exception = False
    request = OutreachRequest.objects.first() or factories.outreach_request()
    name = data.draw(st.sampled_from(["outreach:request_follow", "outreach:request_confirm"]))
    token = data.draw(
        st.sampled_from([request_token(request, "follow"), request_token(request, "confirm")])
        | st.from_regex(r"[0-9a-f]{32}-[0-9a-f]{24}", fullmatch=True)
        | st.from_regex(r"[-a-zA-Z0-9_]{1,80}", fullmatch=True)
    )
    body = {"aksi": data.draw(SCALAR)}
    method = data.draw(st.sampled_from(["get", "post"]))
    response = getattr(client, method)(reverse(name, args=[token]), body)
    assert response.status_code in (200, 302, 404, 410), (name, token, body)
