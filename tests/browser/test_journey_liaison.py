"""Journey 2: a Bawaslu liaison on a phone (360x740).

Logs in, answers the meeting invitation waiting for them, opens the agency's tasks, marks one
"berisiko" with a note, and cannot open another agency's task by editing the URL.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, either, login, switch_to_english

NOTE = "Gudang logistik di Kaur tergenang banjir; kotak suara dipindah ke kantor camat."


@pytest.fixture
def liaison_world(demo):
    """What the demo data holds for bawaslu@demo.test, read before the browser starts."""
    from django.utils import timezone

    from coordination.models import Meeting, ReadinessTask

    pending = (
        Meeting.objects.filter(
            invitees__person__email="bawaslu@demo.test",
            invitees__response="pending",
            starts_at__gt=timezone.now(),
            status="scheduled",
        )
        .order_by("starts_at")
        .first()
    )
    assert pending is not None, "the demo data has no meeting waiting for the Bawaslu liaison"
    other = ReadinessTask.objects.filter(agency__name="Polda Bengkulu").order_by("pk").first()
    assert other is not None, "the demo data has no task of Polda Bengkulu"
    return {"meeting": pending.title, "meeting_pk": pending.pk, "other_task_pk": other.pk}


@pytest.mark.parametrize("language", ["id", "en"])
def test_liaison_answers_invitation_and_reports_risk_on_a_phone(browse, liaison_world, language):
    page = browse("phone")
    page.goto("/")
    if language == "en":
        switch_to_english(page)
    login(page, "bawaslu@demo.test")
    audit(page)
    main = page.get_by_role("main")

    # The invitation: from the staff home to "my meetings", then the meeting itself.
    main.get_by_role("link", name=re.compile("Rapat saya|My meetings", re.I)).click()
    expect(page).to_have_url(re.compile(r"/koordinasi/rapat/saya/$"))
    audit(page)
    main.get_by_role("link", name=liaison_world["meeting"]).first.click()
    expect(page).to_have_url(re.compile(rf"/koordinasi/rapat/{liaison_world['meeting_pk']}/$"))
    audit(page)
    answer = main.get_by_role("group", name=either("Jawaban Anda", "Your answer|Your response"))
    answer.get_by_role("radio", name=either("Hadir", "Attending|Accept|Accepted")).check()
    main.get_by_role("button", name=either("Kirim jawaban", "Send answer|Send response")).click()
    expect(page.get_by_role("status")).to_be_visible()
    rsvp = main.locator("section", has=page.get_by_role("heading", level=2)).first
    expect(rsvp).to_contain_text(re.compile("Hadir|Attending|Accepted", re.I))
    audit(page)

    # The agency's tasks: mark one at risk, with a note.
    page.get_by_role("navigation").first.get_by_role("link", name=either("Tugas", "Tasks")).click()
    expect(page).to_have_url(re.compile(r"/koordinasi/tugas/$"))
    audit(page)
    first_card = (
        main.get_by_role("listitem")
        .filter(has=page.get_by_role("link", name=either("Perbarui status", "Update status")))
        .first
    )
    title = first_card.get_by_role("heading").inner_text()
    first_card.get_by_role("link", name=either("Perbarui status", "Update status")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    task_url = page.url.split("#")[0]
    audit(page)
    update = main.get_by_role("region", name=either("Perbarui status", "Update status"))
    status = update.get_by_role("group", name=either("Status", "Status"))
    status.get_by_role("radio", name=either("Berisiko", "At risk")).check()
    update.get_by_label(either("Catatan", "Note")).fill(NOTE)
    update.get_by_role("button", name=either("Kirim pembaruan", "Send update")).click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(main.locator(".history li").first).to_contain_text(NOTE)
    expect(main.locator(".history li").first).to_contain_text(re.compile("Berisiko|At risk", re.I))
    audit(page)

    # Editing the id in the address bar does not open another agency's task.
    other_url = re.sub(r"/tugas/\d+/", f"/tugas/{liaison_world['other_task_pk']}/", task_url)
    response = page.goto(other_url)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(
        either("Halaman tidak ditemukan", "Page not found")
    )
    expect(page.get_by_role("main")).not_to_contain_text("Polda")
    audit(page)
    # Editing tasks is KPU staff's work: refused before the task is even looked up.
    response = page.goto(other_url + "ubah/")
    assert response.status == 403
    audit(page)
