"""The desk's pages: reporting from the form (with and without the region step), the idempotency
key through the form, acknowledging from the mail's link, the situation room's ETag."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination.models import Delivery
from insiden.enums import Severity, Status
from insiden.models import Incident
from insiden.services.incidents import incident_status_change

pytestmark = pytest.mark.django_db


def _post_data(key="kunci-uji-1", **extra):
    data = {
        "key": key,
        "category": "keamanan",
        "severity": "4",
        "title": "Massa berkumpul di TPS 3",
        "wilayah_kab": "17.01",
        "wilayah_kec": "17.01.01",
        "wilayah_desa": "17.01.01.2001",
        "tps_number": "3",
        "occurred_at": (timezone.localtime() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "description": "Sekitar 50 orang.",
        "visibility": "terbatas",
    }
    data.update(extra)
    return data


def test_report_form_posts_once_per_key(client, desk):
    client.force_login(desk["people"]["polres_liaison"])
    url = reverse("insiden:report")
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="key"' in page.content
    first = client.post(url, _post_data())
    assert first.status_code == 302
    incident = Incident.objects.get()
    assert first["Location"] == reverse("insiden:incident_detail", kwargs={"pk": incident.pk})
    assert first.cookies["insiden_confirmed"].value == "kunci-uji-1"
    again = client.post(url, _post_data())
    assert again["Location"] == first["Location"]
    assert Incident.objects.count() == 1
    assert incident.agency == desk["agencies"]["polres"]
    assert incident.tps_number == 3
    assert incident.region_id == "17.01.01.2001"


def test_region_step_without_javascript_keeps_what_was_typed(client, desk):
    client.force_login(desk["people"]["polres_liaison"])
    data = _post_data(wilayah_kec="", wilayah_desa="", pilih_wilayah="1")
    response = client.post(reverse("insiden:report"), data)
    assert response.status_code == 200
    assert Incident.objects.count() == 0
    body = response.content.decode()
    assert 'value="Massa berkumpul di TPS 3"' in body
    assert 'value="17.01.01"' in body  # the districts of 17.01 are now offered
    assert 'value="kunci-uji-1"' in body


def test_invalid_report_keeps_everything_typed(client, desk):
    client.force_login(desk["people"]["polres_liaison"])
    response = client.post(reverse("insiden:report"), _post_data(wilayah_desa="", tps_number="3"))
    assert response.status_code == 400
    assert "Massa berkumpul di TPS 3" in response.content.decode()
    assert Incident.objects.count() == 0


def test_nobody_may_not_report(client, desk):
    client.force_login(desk["people"]["nobody"])
    assert client.get(reverse("insiden:report")).status_code == 403
    assert client.post(reverse("insiden:report"), _post_data()).status_code == 403


def test_acknowledge_from_the_mails_link(client, desk, report):
    incident = report()
    url = reverse("insiden:acknowledge", kwargs={"pk": incident.pk})
    client.force_login(desk["people"]["regency_staff"])
    assert client.get(url).status_code == 403  # sees it, but it is the Polres's to take
    client.force_login(desk["people"]["bawaslu_liaison"])
    assert client.get(url).status_code == 403  # terbatas in its regency: sees, may not take
    assert client.post(url).status_code == 403
    client.force_login(desk["people"]["polres_other_liaison"])
    assert client.get(url).status_code == 404
    client.force_login(desk["people"]["polres_liaison"])
    page = client.get(url)
    assert page.status_code == 200
    assert Incident.objects.get(pk=incident.pk).status == Status.REPORTED  # GET changes nothing
    assert client.post(url).status_code == 302
    assert Incident.objects.get(pk=incident.pk).status == Status.ACKNOWLEDGED
    # The link again, after it was taken: straight to the incident.
    assert client.get(url)["Location"] == reverse(
        "insiden:incident_detail", kwargs={"pk": incident.pk}
    )


def test_incident_page_actions_follow_the_predicates(client, desk, report):
    incident = report()
    url = reverse("insiden:incident_detail", kwargs={"pk": incident.pk})
    client.force_login(desk["people"]["polres_liaison"])
    body = client.get(url).content.decode()
    assert reverse("insiden:acknowledge", kwargs={"pk": incident.pk}) in body
    client.force_login(desk["people"]["bawaslu_liaison"])
    body = client.get(url).content.decode()
    assert reverse("insiden:acknowledge", kwargs={"pk": incident.pk}) not in body
    assert reverse("insiden:refer", kwargs={"pk": incident.pk}) not in body
    assert (
        client.post(
            reverse("insiden:status", kwargs={"pk": incident.pk}), {"status": "selesai"}
        ).status_code
        == 403
    )


def test_situation_room_answers_304_until_something_changes(client, desk, report):
    report()
    client.force_login(desk["people"]["regency_staff"])
    url = reverse("insiden:situation")
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    report(title="Insiden kedua")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Insiden kedua" in changed.content.decode()
    # Another person never gets someone else's page as "not modified".
    client.force_login(desk["people"]["province_staff"])
    assert client.get(url, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200


def test_while_reports_stream_in_a_page_is_served_again_for_the_settle_interval(
    client, desk, report, settings, monkeypatch
):
    from insiden.views import situation as views

    settings.PILKADA_SITUATION_SETTLE_SECONDS = 5
    moment = [1_900_000_000.0]
    monkeypatch.setattr(views, "_now", lambda: moment[0])
    report()
    client.force_login(desk["people"]["regency_staff"])
    url = reverse("insiden:situation")
    first = client.get(url)
    etag = first["ETag"]
    report(title="Insiden kedua")
    moment[0] += 4
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    again = client.get(url)
    assert again["ETag"] == etag
    assert "Insiden kedua" not in again.content.decode()
    moment[0] += 2  # past the interval: the new state
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Insiden kedua" in changed.content.decode()
    # Nobody else is served this person's page.
    client.force_login(desk["people"]["province_staff"])
    assert client.get(url, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200


def test_situation_room_lists_overdue_first_and_the_grid(client, desk, report):
    earlier = timezone.now() - timedelta(hours=3)
    old = report(title="Belum diterima lama", occurred_at=earlier, now=earlier)
    report(title="Baru saja", occurred_at=timezone.now(), now=timezone.now())
    client.force_login(desk["people"]["regency_staff"])
    body = client.get(reverse("insiden:situation")).content.decode()
    overdue = body.split('id="overdue-h"')[1].split("</section>")[0]
    assert old.title in overdue
    assert "Baru saja" not in overdue
    assert ">2</a>" in body  # 17.01 x keamanan: two open incidents


def test_situation_grid_cells_open_links_critical_counts_and_a_status_filter(client, desk, report):
    report(severity=Severity.CRITICAL)
    report(severity=Severity.HIGH)
    closed = report(severity=Severity.LOW)
    incident_status_change(actor=None, incident=closed, status=Status.UNVERIFIED)
    client.force_login(desk["people"]["regency_staff"])
    body = client.get(reverse("insiden:situation")).content.decode()
    grid = body.split('id="grid-h"')[1].split("</section>")[0]
    # Open incidents only (the closed one is not counted), linked to the open list, the
    # critical ones named, the cell coloured by the gravest.
    assert (
        '<td class="num level-very-high"><a href="/insiden/?wilayah=17.01&amp;kategori=keamanan'
        '&amp;terbuka=1">2</a> <span class="sev">(1 kritis)</span></td>'
    ) in grid
    body = client.get(reverse("insiden:situation"), {"status": Status.UNVERIFIED}).content
    grid = body.decode().split('id="grid-h"')[1].split("</section>")[0]
    assert '<td class="num"><a href="/insiden/?wilayah=17.01&amp;kategori=keamanan">1</a></td>' in (
        grid
    )


def test_wall_view_per_province(client, desk, report):
    incident = report(now=timezone.now() - timedelta(hours=2), occurred_at=timezone.now()
                      - timedelta(hours=2))  # fmt: skip
    client.force_login(desk["people"]["province_staff"])
    response = client.get(reverse("insiden:wall", kwargs={"code": "17"}))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"#{incident.pk} {incident.title}" in body
    assert client.get(reverse("insiden:wall", kwargs={"code": "99"})).status_code == 404


def test_report_by_form_tells_the_liaisons(client, desk, django_capture_on_commit_callbacks):
    client.force_login(desk["people"]["bawaslu_liaison"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("insiden:report"), _post_data())
    assert list(Delivery.objects.values_list("person__email", "status")) == [
        ("polres1@uji.test", "sent")
    ]
