"""Journey 5: the incident desk on a voting day.

A Polres liaison reports a critical incident from a phone; the connection drops as the report is
sent, and the draft the page kept in the browser's storage (with its idempotency key) is sent
again once the phone is back online: one incident. The Bawaslu liaison and KPU staff of the
province see it in the situation room; the Polres liaison acknowledges it from the link of the
mail it received; the escalation stops.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, either, login

TITLE = "Massa menghadang kotak suara di TPS 4"


@pytest.fixture
def desk_world(demo):
    from coordination.models import Region

    village = (
        Region.objects.filter(code__startswith="17.02.", level=4)
        .order_by("code")
        .select_related("parent")
        .first()
    )
    return {"village": village.code, "district": village.parent_id}


def test_police_report_survives_a_dropped_connection_and_is_acknowledged_from_the_mail(
    browse, desk_world
):
    from django.core import mail

    from insiden.models import Incident
    from insiden.notifications.escalation import escalations_run

    world = desk_world
    # 1. The Polres liaison, on a phone, reports the incident.
    phone = browse("phone")
    login(phone, "polres.rejanglebong@demo.test")
    phone.get_by_role("navigation").first.get_by_role(
        "link", name=either("Insiden", "Incidents")
    ).click()
    expect(phone).to_have_url(re.compile(r"/insiden/$"))
    audit(phone)
    phone.get_by_role("main").get_by_role(
        "link", name=either("Laporkan insiden", "Report an incident")
    ).first.click()
    expect(phone).to_have_url(re.compile(r"/insiden/lapor/$"))
    audit(phone)
    form = phone.get_by_role("main").locator("form")
    form.get_by_label(either("Apa yang terjadi", "What happened")).select_option("keamanan")
    form.get_by_role("group", name=either("Tingkat keparahan", "Severity")).locator(
        'input[value="4"]'
    ).check()
    form.get_by_label(either("Judul singkat", "Short title")).fill(TITLE)
    form.get_by_label(either("Kabupaten/kota", "Regency/city")).select_option("17.02")
    district = form.get_by_label(either("Kecamatan", "District"))
    expect(district.locator(f'option[value="{world["district"]}"]')).to_have_count(1)
    district.select_option(world["district"])
    village = form.get_by_label(either("Desa/kelurahan", "Village"))
    expect(village.locator(f'option[value="{world["village"]}"]')).to_have_count(1)
    village.select_option(world["village"])
    form.get_by_label(either("Nomor TPS", "TPS number")).fill("4")
    form.get_by_label(either("Uraian", "Description")).fill("Sekitar 30 orang menghadang.")

    # 2. The connection drops as the report is sent: nothing reaches the server.
    phone.context.set_offline(True)
    try:
        form.get_by_role("button", name=either("Kirim laporan", "Send report")).click(
            no_wait_after=True
        )
        phone.wait_for_timeout(500)
    finally:
        phone.context.set_offline(False)
    assert Incident.objects.filter(title=TITLE).count() == 0

    # 3. Back online, the form comes back with what was typed, and is sent.
    phone.goto("/insiden/lapor/")
    form = phone.get_by_role("main").locator("form")
    expect(form.get_by_label(either("Judul singkat", "Short title"))).to_have_value(TITLE)
    expect(form.get_by_label(either("Uraian", "Description"))).to_have_value(
        "Sekitar 30 orang menghadang."
    )
    expect(form.get_by_label(either("Kabupaten/kota", "Regency/city"))).to_have_value("17.02")
    district = form.get_by_label(either("Kecamatan", "District"))
    expect(district.locator(f'option[value="{world["district"]}"]')).to_have_count(1)
    district.select_option(world["district"])
    village = form.get_by_label(either("Desa/kelurahan", "Village"))
    expect(village.locator(f'option[value="{world["village"]}"]')).to_have_count(1)
    village.select_option(world["village"])
    form.get_by_role("button", name=either("Kirim laporan", "Send report")).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(TITLE)
    audit(phone)
    incident = Incident.objects.get(title=TITLE)
    assert incident.agency.name == "Polres Rejang Lebong"
    # Sent again (a retry of the same draft): the same incident, not a second one.
    phone.goto("/insiden/lapor/")
    assert phone.evaluate("() => window.localStorage.getItem('insiden-draft')") is None
    assert Incident.objects.filter(title=TITLE).count() == 1

    # 4. The Bawaslu liaison and KPU staff of the province see it in the situation room.
    for email in ("bawaslu@demo.test", "kpu@demo.test"):
        page = browse("desktop")
        login(page, email)
        page.goto("/situasi/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            either("Ruang situasi", "Situation room")
        )
        expect(page.get_by_role("main")).to_contain_text(TITLE)
        audit(page)
    page.goto("/situasi/provinsi/17/")
    expect(page.get_by_role("main")).to_contain_text("Kabupaten Rejang Lebong")
    audit(page)

    # 5. The Polres liaison acknowledges it from the mail's link.
    message = next(m for m in mail.outbox if TITLE in m.subject)
    assert message.to == ["polres.rejanglebong@demo.test"]
    link = re.search(r"https?://\S+/insiden/\d+/terima/", message.body).group(0)
    phone.goto(re.sub(r"^https?://[^/]+", "", link))
    audit(phone)
    phone.get_by_role("main").get_by_role(
        "button", name=either("Terima insiden", "Acknowledge")
    ).click()
    expect(phone.get_by_role("main")).to_contain_text(re.compile("Diterima|Acknowledged"))
    incident.refresh_from_db()
    assert incident.status == "diterima"

    # 6. The escalation stops: past the deadline, nobody else is told about it (an hourly
    # reminder of a critical incident still goes to the Polres itself).
    escalations_run(now=incident.ack_due_at + timedelta(minutes=1))
    from coordination.models import Delivery

    keys = set(
        Delivery.objects.filter(key__startswith=f"i{incident.pk}.").values_list("key", flat=True)
    )
    assert keys == {f"i{incident.pk}.r1.l0"}
