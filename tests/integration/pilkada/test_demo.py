from django.core.management import call_command

from coordination import permissions
from coordination.models import Agency, Membership, Person
from coordination.services.regions import regions_load
from insiden.models import Incident
from outreach.models import OutreachRequest


def test_seed_demo_is_idempotent_and_creates_the_demo_logins(db):
    regions_load(province_code="17")
    call_command("seed_demo", stdout=None)
    counts = (
        Agency.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        OutreachRequest.objects.count(),
    )
    call_command("seed_demo", stdout=None)
    assert (
        Agency.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        OutreachRequest.objects.count(),
    ) == counts
    # Requests from the public, one of each answer, from villages without face-to-face outreach.
    assert sorted(OutreachRequest.objects.values_list("status", flat=True)) == [
        "accepted",
        "declined",
        "open",
        "open",
        "proposed",
    ]
    assert OutreachRequest.objects.get(status="accepted").event.status == "draft"
    # Public reports waiting for the responsible agency's triage, once however often it runs.
    waiting = Incident.objects.filter(source="publik", status="menunggu_verifikasi")
    assert waiting.count() == 5 and not waiting.filter(tracking_digest="").exists()
    assert Agency.objects.filter(kind="kpu").count() == 11
    assert Agency.objects.filter(kind="bawaslu").count() == 11
    kpu = Person.objects.get(email="kpu@demo.test")
    assert kpu.check_password("pilkada-demo-2024")
    assert permissions.access_for(kpu).staff_region_codes == ("17",)
    regency = Person.objects.get(email="kpu.rejanglebong@demo.test")
    assert permissions.access_for(regency).staff_region_codes == ("17.02",)
    assert not permissions.is_kpu_staff(Person.objects.get(email="bawaslu@demo.test"))
    assert Person.objects.get(email="admin@demo.test").is_superuser


def test_demo_text_follows_the_demo_timeline(db):
    """Dates in demo titles and descriptions are the shifted voting day, never 27 November 2024."""
    from django.utils import translation
    from django.utils.formats import date_format

    from coordination.selectors.readiness import active_election
    from outreach.models import OutreachEvent

    regions_load(province_code="17")
    call_command("seed_demo", stdout=None)
    voting_day = active_election().voting_day
    with translation.override("id"):
        long, short = date_format(voting_day, "l, j F Y"), date_format(voting_day, "j F")
    events = list(OutreachEvent.objects.values_list("title", "description"))
    assert events
    assert all(description.endswith(f"{long}.") for _title, description in events)
    forums = [title for title, _d in events if title.startswith("Forum warga")]
    assert forums and all(f"ayo ke TPS {short} " in title for title in forums)
    assert not [t for t, d in events if "2024" in t + d]
