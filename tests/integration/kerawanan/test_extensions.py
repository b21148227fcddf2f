"""What the register adds to coordination's pages and mail through the extension slots: the
readiness dashboard's column, the meeting and task sections, overdue reviews in the digests."""

import datetime as dt

from django.core import mail
from django.urls import reverse

from coordination.enums import TaskStatus
from coordination.models import Region
from coordination.notifications.digests import digests_send_due
from coordination.services.readiness import task_status_update
from kerawanan.enums import RiskStatus, Visibility
from kerawanan.models import Mitigation
from kerawanan.services.agenda import agenda_add
from tests import factories

# The next Monday, 00:00 UTC = 07:00 in Bengkulu. Ahead of the real clock: a digest is worth
# sending until its day ends, and the mail goes out (eagerly) at the real time.
TODAY = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=7 - dt.datetime.now(dt.UTC).weekday())
MONDAY_7_WIB = dt.datetime.combine(TODAY, dt.time(0), tzinfo=dt.UTC)


def _column(response):
    (column,) = [c for c in response.context["extra_columns"] if "mitigasi" in str(c.label)]
    return column


def test_dashboard_counts_high_risks_without_a_running_mitigation(
    client, people, make_risk, agencies
):
    election = factories.ElectionFactory()
    make_risk(title="Tinggi", likelihood=4, impact=4)
    make_risk(title="Rahasia", likelihood=5, impact=5, visibility=Visibility.SECRET)
    make_risk(title="Rendah", likelihood=1, impact=1)
    make_risk(title="Ditutup", likelihood=5, impact=5, status=RiskStatus.CLOSED)
    running = make_risk(title="Sedang ditangani", likelihood=4, impact=4)
    done = make_risk(title="Mitigasi selesai", likelihood=4, impact=4)
    region = Region.objects.get(code="17.01")
    for risk, status in ((running, TaskStatus.IN_PROGRESS), (done, TaskStatus.DONE)):
        task = factories.ReadinessTaskFactory(
            region=region, agency=agencies["polres"], election=election
        )
        task_status_update(actor=people["regency_staff"], task=task, status=status)
        Mitigation.objects.create(risk=risk, task=task)
    client.force_login(people["province_staff"])
    column = _column(client.get(reverse("coordination:dashboard")))
    count, link = column.cells["17.01"]
    # Tinggi, Rahasia and the one whose mitigations are all done (nothing runs any more).
    assert count == 3
    assert link == "/kerawanan/?wilayah=17.01&tanpa_mitigasi=1"
    assert column.cells["17.02"][0] == 0
    listed = client.get(link).context["page"].paginator.count
    assert listed == 3


def test_meeting_section_lists_only_what_the_viewer_may_see(
    client, people, make_risk, kpu_regency, agencies
):
    open_risk = make_risk(title="Terbuka di agenda")
    secret = make_risk(title="Rahasia di agenda", visibility=Visibility.SECRET)
    meeting = factories.meeting(
        region=Region.objects.get(code="17.01"),
        organiser=kpu_regency,
        invited=[kpu_regency, agencies["kodim"]],
    )
    agenda_add(actor=None, meeting=meeting, risks=[open_risk, secret])
    url = reverse("coordination:meeting_detail", args=[meeting.pk])
    client.force_login(people["local_liaison"])  # Kodim: invited, reads terbatas only
    body = client.get(url).content.decode()
    assert "Terbuka di agenda" in body
    assert "Rahasia di agenda" not in body
    assert "Tambahkan kerawanan tinggi" not in body
    client.force_login(people["regency_staff"])
    body = client.get(url).content.decode()
    assert "Rahasia di agenda" in body
    assert "Tambahkan kerawanan tinggi" in body


def test_daily_digest_names_overdue_reviews_of_the_agency_without_secret_titles(
    people, make_risk, agencies, django_capture_on_commit_callbacks
):
    make_risk(title="Tinjauan lewat terbuka", review_on=TODAY - dt.timedelta(days=2))
    make_risk(
        title="RAHASIA-JUDUL", visibility=Visibility.SECRET, review_on=TODAY - dt.timedelta(days=1)
    )
    make_risk(title="Belum waktunya", review_on=TODAY + dt.timedelta(days=2))
    make_risk(
        title="Sudah ditutup", status=RiskStatus.CLOSED, review_on=TODAY - dt.timedelta(days=9)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = digests_send_due(now=MONDAY_7_WIB)
    daily = [m for m in mail.outbox if "harian" in m.subject]
    recipients = sorted(address for m in daily for address in m.to)
    assert recipients == ["bawaslu1@uji.test"]  # the owning agency's liaison only
    (message,) = daily
    assert "Tinjauan lewat terbuka" in message.body
    assert "Kerawanan rahasia" in message.body
    assert "RAHASIA-JUDUL" not in message.body
    assert "RAHASIA-JUDUL" not in message.alternatives[0].content
    assert "Belum waktunya" not in message.body
    assert "Sudah ditutup" not in message.body
    assert sent["daily"] == 1


def test_weekly_summary_of_kpu_staff_lists_overdue_reviews_they_may_see(
    people, make_risk, agencies, django_capture_on_commit_callbacks
):
    make_risk(title="Lewat di 17.01", review_on=TODAY - dt.timedelta(days=3))
    # The weekly summary goes to staff whose regions have open tasks (coordination's rule);
    # the register adds its section to it.
    factories.ReadinessTaskFactory(
        region=Region.objects.get(code="17.01"),
        agency=agencies["polres"],
        election=factories.ElectionFactory(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        digests_send_due(now=MONDAY_7_WIB)
    weekly = {m.to[0]: m for m in mail.outbox if "mingguan" in m.subject}
    assert "Lewat di 17.01" in weekly["kpu.kab1@uji.test"].body
    assert "Lewat di 17.01" in weekly["kpu.prov@uji.test"].body
    assert "kpu.kab2@uji.test" not in weekly  # nothing at all to say about 17.02


def test_task_page_links_back_only_for_those_who_read_the_risk(client, people, make_risk, agencies):
    election = factories.ElectionFactory()
    risk = make_risk(title="Risiko induk", visibility=Visibility.SECRET, acting_agencies=[])
    task = factories.ReadinessTaskFactory(
        region=Region.objects.get(code="17.01"), agency=agencies["kodim"], election=election
    )
    Mitigation.objects.create(risk=risk, task=task)  # linked without involving the Kodim
    client.force_login(people["local_liaison"])
    body = client.get(reverse("coordination:task_detail", args=[task.pk])).content.decode()
    assert "Risiko induk" not in body
    client.force_login(people["regency_staff"])
    body = client.get(reverse("coordination:task_detail", args=[task.pk])).content.decode()
    assert "Risiko induk" in body
