"""Agencies of Bengkulu province and the demo accounts."""

from allauth.account.models import EmailAddress

from coordination.enums import AgencyKind, RegionLevel, Role
from coordination.models import Agency, Person, Region
from coordination.services.agencies import agency_create, membership_create

DEMO_PASSWORD = "pilkada-demo-2024"  # noqa: S105 - documented demo password, refused in production

PROVINCE = "17"

# Korem 041/Gamas covers the province; each Kodim covers one or two kabupaten/kota.
KODIM = {
    "17.01": "Kodim 0408/Bengkulu Selatan",
    "17.02": "Kodim 0409/Rejang Lebong",
    "17.03": "Kodim 0423/Bengkulu Utara",
    "17.04": "Kodim 0408/Bengkulu Selatan (Kaur)",
    "17.05": "Kodim 0425/Seluma",
    "17.06": "Kodim 0428/Mukomuko",
    "17.07": "Kodim 0409/Rejang Lebong (Lebong)",
    "17.08": "Kodim 0409/Rejang Lebong (Kepahiang)",
    "17.09": "Kodim 0407/Kota Bengkulu (Bengkulu Tengah)",
    "17.71": "Kodim 0407/Kota Bengkulu",
}

ACCOUNTS = [
    ("kpu@demo.test", "Rina Marlina", "KPU Provinsi Bengkulu", Role.KPU_STAFF),
    ("kpu.rejanglebong@demo.test", "Dedi Kurniawan", "KPU Kabupaten Rejang Lebong", Role.KPU_STAFF),
    ("bawaslu@demo.test", "Siti Aminah", "Bawaslu Provinsi Bengkulu", Role.LIAISON),
    ("polda@demo.test", "AKBP Hendra Saputra", "Polda Bengkulu", Role.LIAISON),
    ("polres.rejanglebong@demo.test", "Iptu Yoga Pratama", "Polres Rejang Lebong", Role.LIAISON),
]


def _short(regency: Region) -> str:
    return regency.name.replace("Kabupaten ", "").replace("Kota ", "Kota ")


def _agency(name: str, kind: str, region: Region, **extra) -> Agency:
    existing = Agency.objects.filter(name__iexact=name, region=region).first()
    return existing or agency_create(actor=None, name=name, kind=kind, region=region, **extra)


def seed(*, stdout=None) -> None:
    province = Region.objects.get(code=PROVINCE)
    regencies = list(
        Region.objects.filter(parent=province, level=RegionLevel.REGENCY).order_by("code")
    )
    _agency(
        "KPU Provinsi Bengkulu",
        AgencyKind.KPU,
        province,
        short_name="KPU Prov. Bengkulu",
        email="kpu@bengkuluprov.demo.test",
        phone="0736-21000",
        address="Jl. Pembangunan No. 11, Padang Harapan, Kota Bengkulu",
    )
    _agency("Bawaslu Provinsi Bengkulu", AgencyKind.BAWASLU, province, short_name="Bawaslu Prov.")
    _agency("Polda Bengkulu", AgencyKind.POLRI, province)
    _agency("Korem 041/Gamas", AgencyKind.TNI, province)
    _agency(
        "Pemerintah Provinsi Bengkulu", AgencyKind.PEMDA, province, short_name="Pemprov Bengkulu"
    )
    _agency(
        "Badan Kesbangpol Provinsi Bengkulu",
        AgencyKind.KESBANGPOL,
        province,
        short_name="Kesbangpol Prov.",
    )
    _agency(
        "Universitas Bengkulu",
        AgencyKind.EDUCATION,
        province,
        short_name="UNIB",
        website="https://www.unib.ac.id",
    )
    _agency(
        "Jaringan Pendidikan Pemilih untuk Rakyat (JPPR) Bengkulu",
        AgencyKind.CIVIL_SOCIETY,
        province,
        short_name="JPPR Bengkulu",
    )
    _agency("RRI Bengkulu", AgencyKind.MEDIA, province)
    _agency("Bengkulu Ekspress", AgencyKind.MEDIA, province)
    for regency in regencies:
        name = regency.name
        is_city = name.startswith("Kota ")
        _agency(f"KPU {name}", AgencyKind.KPU, regency)
        _agency(f"Bawaslu {name}", AgencyKind.BAWASLU, regency)
        police = "Polresta Bengkulu" if is_city else f"Polres {_short(regency)}"
        _agency(police, AgencyKind.POLRI, regency)
        _agency(KODIM[regency.code], AgencyKind.TNI, regency)
        government = f"Pemerintah {name}"
        _agency(government, AgencyKind.PEMDA, regency, short_name="Pemkot" if is_city else "Pemkab")
    for email, full_name, agency_name, role in ACCOUNTS:
        person = _person(email, full_name)
        membership_create(person=person, agency=Agency.objects.get(name=agency_name), role=role)
    admin = _person("admin@demo.test", "Administrator Portal")
    if not admin.is_superuser:
        admin.is_superuser = True
        admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])


def _person(email: str, full_name: str) -> Person:
    person = Person.objects.filter(email=email).first()
    if person is None:
        person = Person.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=full_name
        )
    EmailAddress.objects.get_or_create(
        user=person, email=email, defaults={"verified": True, "primary": True}
    )
    return person
