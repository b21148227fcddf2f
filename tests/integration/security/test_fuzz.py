"""The request fuzz: Hypothesis sends GET and POST requests to every URL of the apps, as every role,
with any of the parameters the forms and lists read (and the management forms of formsets) set
to ids, region codes, dates, words, lists of them and CSV files; or posts one of the real forms
(tests/integration/security/forms.py) with some of its fields replaced. No answer may be a
server error.

`make test` sends a fixed, derandomized sample (PILKADA_FUZZ_REQUESTS, 150 by default);
`make fuzz` sends 10,000 with a fresh seed each run (Hypothesis prints the failing request).
"""

import os

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.security.forms import CASES
from tests.integration.security.targets import app_url_names, url_kwargs, urls

REQUESTS = int(os.environ.get("PILKADA_FUZZ_REQUESTS", "150"))
FRESH_SEED = os.environ.get("PILKADA_FUZZ_SEED", "") == "random"
ROLES = ["anonymous", "liaison_17.01", "staff_17.01", "province_staff", "superuser"]
QUERY_KEYS = [
    "page", "region", "regency", "district", "village", "agency", "agency_kind", "category",
    "status", "stage", "election", "overdue", "q", "when", "kind", "method", "segment",
    "segments", "from", "to", "start", "end", "date", "day", "year", "month", "view", "fmt",
    "format", "next", "sort", "order", "code", "checklist", "meeting", "lang", "prov", "kab",
    "kec", "metode", "segmen", "dari", "sampai", "_pilih_wilayah",
]  # fmt: skip
FORM_KEYS = sorted(
    {key for case in CASES for key in case.outside}
    | {"items-TOTAL_FORMS", "items-INITIAL_FORMS", "actions-TOTAL_FORMS", "items-0-DELETE"}
    | {"items-0-pk", "items-0-days", "minutes", "reason", "note", "progress", "dates", "file"}
    # the public request form, the follow page and the answers to a request
    | {"requester_name", "requester_kind", "segment", "wilayah_desa", "date_1", "date_2",
       "participants", "email", "phone", "situs_web", "cap_waktu", "aksi", "terima-date",
       "terima-start", "usul-date", "tolak-reason"}
    # the public report form, the status page and the triage answers
    | {"category", "wilayah_kab", "wilayah_kec", "tps_number", "occurred_date", "occurred_time",
       "description", "contact", "code", "severity", "into"}
)  # fmt: skip
CSV_HEADERS = [
    "judul,kategori,wilayah,lembaga,tenggat",
    "judul,metode,segmen,kode_wilayah,tempat,mulai,selesai,penyelenggara,mitra",
]

SCALAR = st.one_of(
    st.text(max_size=40),
    st.integers().map(str),
    st.from_regex(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2})?", fullmatch=True),
    st.sampled_from(["", "0", "-1", "1e9", "²", "9" * 30, "\x00", "draft", "on", "true"]),
)
VALUE = SCALAR | st.lists(SCALAR, min_size=1, max_size=6)


@st.composite
def csv_file(draw):
    header = draw(st.sampled_from(CSV_HEADERS))
    rows = draw(st.lists(st.lists(SCALAR, max_size=10).map(",".join), max_size=4))
    text = "\r\n".join([header, *rows])
    return SimpleUploadedFile("data.csv", text.encode("utf-8", "surrogatepass"), "text/csv")


def _params(draw, keys) -> dict:
    chosen = draw(st.lists(st.sampled_from(keys), max_size=6, unique=True))
    return {key: draw(VALUE) for key in chosen}


@st.composite
def requests_(draw, world):
    """(role, method, path, data) of one request."""
    role = draw(st.sampled_from(ROLES))
    if draw(st.booleans()):
        case = draw(st.sampled_from(CASES))
        body = case.body(world)
        for key in draw(st.lists(st.sampled_from(sorted(body) + FORM_KEYS), max_size=3)):
            body[key] = draw(csv_file()) if key == "file" else draw(VALUE)
        return role, "post", case.url(world), body
    method = draw(st.sampled_from(["get", "post"]))
    path = draw(st.sampled_from(urls(world)))
    keys = QUERY_KEYS if method == "get" else QUERY_KEYS + FORM_KEYS
    data = _params(draw, keys)
    if method == "post" and "file" in data:
        data["file"] = draw(csv_file())
    return role, method, path, data


def test_fuzz_targets_cover_every_url(world):
    assert sorted(url_kwargs(world)) == app_url_names()


@settings(
    max_examples=REQUESTS,
    derandomize=not FRESH_SEED,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_fuzz_no_request_is_a_server_error(client, world, data):
    role, method, path, body = data.draw(requests_(world), label="request")
    person = world.people[role]
    client.raise_request_exception = False
    client.logout()
    if person is not None:
        client.force_login(person)
    response = getattr(client, method)(path, body)
    assert response.status_code < 500, f"{role} {method.upper()} {path} {body!r}"
