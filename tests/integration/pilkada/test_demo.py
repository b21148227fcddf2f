from django.core.management import call_command

from coordination import permissions
from coordination.models import Agency, Membership, Person
from coordination.services.regions import regions_load


def test_seed_demo_is_idempotent_and_creates_the_demo_logins(db):
    regions_load(province_code="17")
    call_command("seed_demo", stdout=None)
    counts = (Agency.objects.count(), Person.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=None)
    assert (Agency.objects.count(), Person.objects.count(), Membership.objects.count()) == counts
    assert Agency.objects.filter(kind="kpu").count() == 11
    assert Agency.objects.filter(kind="bawaslu").count() == 11
    kpu = Person.objects.get(email="kpu@demo.test")
    assert kpu.check_password("pilkada-demo-2024")
    assert permissions.access_for(kpu).staff_region_codes == ("17",)
    regency = Person.objects.get(email="kpu.rejanglebong@demo.test")
    assert permissions.access_for(regency).staff_region_codes == ("17.02",)
    assert not permissions.is_kpu_staff(Person.objects.get(email="bawaslu@demo.test"))
    assert Person.objects.get(email="admin@demo.test").is_superuser
