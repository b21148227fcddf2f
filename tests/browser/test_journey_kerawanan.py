"""Journey 4: the kerawanan register, across three agencies.

The Bawaslu liaison records a TPS rawan from a phone; KPU staff of the province turn it into a
mitigation task for the Polres; the Polres liaison sees the task and the risk it mitigates; and the
Bawaslu liaison, unrelated to a rahasia police entry, cannot open it by editing the URL.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, either, login, switch_to_english

TITLE = "TPS di seberang sungai tanpa jembatan"


@pytest.fixture
def register_world(demo):
    """What the demo holds for the journey, read before the browser starts."""
    from coordination.models import Region
    from kerawanan.models import IkpDimension, Risk

    village = (
        Region.objects.filter(code__startswith="17.02.", level=4)
        .order_by("-is_remote", "code")
        .select_related("parent")
        .first()
    )
    secret = Risk.objects.filter(visibility="rahasia", owner__name="Polres Rejang Lebong").first()
    assert secret is not None, "the demo has no rahasia risk of Polres Rejang Lebong"
    return {
        "village": village.code,
        "district": village.parent_id,
        "ikp": str(IkpDimension.objects.get(name="Pelaksanaan pemungutan suara").pk),
        "secret_pk": secret.pk,
        "secret_title": secret.title,
    }


@pytest.mark.parametrize("language", ["id", "en"])
def test_tps_rawan_becomes_a_mitigation_task_for_the_polres(browse, register_world, language):
    world = register_world
    title = f"{TITLE} ({language})"

    # 1. The Bawaslu liaison, on a phone, records the TPS rawan.
    phone = browse("phone")
    phone.goto("/")
    if language == "en":
        switch_to_english(phone)
    login(phone, "bawaslu@demo.test")
    nav = phone.get_by_role("navigation").first
    nav.get_by_role("link", name=either("Kerawanan", "Risks|Vulnerabilities")).click()
    expect(phone).to_have_url(re.compile(r"/kerawanan/$"))
    audit(phone)
    main = phone.get_by_role("main")
    main.get_by_role("link", name=either("Catat kerawanan", "Record a risk")).click()
    expect(phone).to_have_url(re.compile(r"/kerawanan/baru/$"))
    audit(phone)
    form = main.locator("form")
    form.get_by_label(either("Kabupaten/kota", "Regency/city")).select_option("17.02")
    district = form.get_by_label(either("Kecamatan", "District"))
    expect(district.locator(f'option[value="{world["district"]}"]')).to_have_count(1)
    district.select_option(world["district"])
    village = form.get_by_label(either("Desa/kelurahan", "Village"))
    expect(village.locator(f'option[value="{world["village"]}"]')).to_have_count(1)
    village.select_option(world["village"])
    form.get_by_label(either("Nomor TPS", "TPS numbers|Polling station numbers")).fill("3, 5")
    form.get_by_label(either("Judul", "Title")).fill(title)
    form.get_by_label(either("Kategori", "Category")).select_option("akses_geografis")
    form.get_by_label(either("Dimensi IKP", "IKP dimension")).select_option(world["ikp"])
    form.get_by_role("group", name=either("Kemungkinan", "Likelihood")).locator(
        'input[value="4"]'
    ).check()
    form.get_by_role("group", name=either("Dampak", "Impact")).locator('input[value="5"]').check()
    form.get_by_role("button", name=either("Simpan", "Save")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    expect(phone.get_by_role("status")).to_be_visible()
    expect(phone.get_by_role("main")).to_contain_text("3, 5")
    expect(phone.get_by_role("main")).to_contain_text(re.compile("Sangat tinggi|Very high"))
    risk_url = phone.url
    audit(phone)

    # 2. KPU staff of the province turn it into a mitigation task for the Polres.
    desk = browse("desktop")
    desk.goto("/")
    if language == "en":
        switch_to_english(desk)
    login(desk, "kpu@demo.test")
    desk.get_by_role("navigation").first.get_by_role(
        "link", name=either("Kerawanan", "Risks|Vulnerabilities")
    ).click()
    desk.get_by_role("main").get_by_role("link", name=title).click()
    expect(desk).to_have_url(risk_url)
    audit(desk)
    desk.get_by_role("link", name=either("Buat tugas mitigasi", "Create a mitigation task")).click()
    audit(desk)
    mitigation = desk.get_by_role("main").locator("form").first
    mitigation.get_by_label(either("Lembaga penanggung jawab", "Responsible agency")).select_option(
        label="Polres Rejang Lebong (Kabupaten Rejang Lebong)"
    )
    mitigation.get_by_role("button", name=either("Buat tugas", "Create task")).click()
    expect(desk).to_have_url(risk_url)
    tasks = desk.get_by_role("main").get_by_role("table")
    expect(tasks).to_contain_text("Polres Rejang Lebong")
    audit(desk)

    # 3. The Polres liaison finds the task and, from it, the risk.
    polres = browse("phone")
    polres.goto("/")
    if language == "en":
        switch_to_english(polres)
    login(polres, "polres.rejanglebong@demo.test")
    polres.get_by_role("navigation").first.get_by_role(
        "link", name=either("Tugas", "Tasks")
    ).click()
    main = polres.get_by_role("main")
    main.get_by_role("link", name=re.compile(re.escape(title))).first.click()
    expect(polres.get_by_role("heading", level=1)).to_contain_text(title)
    audit(polres)
    main.get_by_role(
        "region", name=either("Mitigasi untuk kerawanan", "Mitigation for risk")
    ).get_by_role("link", name=title).click()
    expect(polres).to_have_url(risk_url)
    audit(polres)
    # Its own rahasia entry is there for the Polres.
    response = polres.goto(f"/kerawanan/{world['secret_pk']}/")
    assert response.status == 200
    expect(polres.get_by_role("heading", level=1)).to_have_text(world["secret_title"])

    # 4. The Bawaslu liaison is not part of that rahasia entry: editing the URL finds nothing.
    response = phone.goto(f"/kerawanan/{world['secret_pk']}/")
    assert response.status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        either("Halaman tidak ditemukan", "Page not found")
    )
    expect(phone.get_by_role("main")).not_to_contain_text(world["secret_title"])
    audit(phone)
    response = phone.goto(f"/kerawanan/{world['secret_pk']}/ubah/")
    assert response.status == 404
    listing = phone.goto("/kerawanan/?visibilitas=rahasia")
    assert listing.status == 200
    expect(phone.get_by_role("main")).not_to_contain_text(world["secret_title"])


REGISTER_PAGES = [
    "/kerawanan/",
    "/kerawanan/?tingkat=4&terbuka=1",
    "/kerawanan/panas/",
    "/kerawanan/panas/17/",
    "/kerawanan/panas/17/?sumbu=dimensi",
    "/kerawanan/panas/17.02/",
    "/kerawanan/impor/",
    "/kerawanan/dimensi/",
    "/kerawanan/baru/",
]


@pytest.mark.parametrize("language", ["id", "en"])
def test_register_pages_have_no_serious_axe_violation(browse, register_world, language):
    public = browse("phone")
    public.goto("/")
    if language == "en":
        switch_to_english(public)
    for path in ("/kerawanan/ringkasan/", "/kerawanan/ringkasan/17/"):
        assert public.goto(path).status == 200
        expect(public.get_by_role("main")).not_to_contain_text(register_world["secret_title"])
        audit(public)
    page = browse("desktop")
    page.goto("/")
    if language == "en":
        switch_to_english(page)
    login(page, "kpu@demo.test")
    secret = register_world["secret_pk"]
    for path in [*REGISTER_PAGES, f"/kerawanan/{secret}/", f"/kerawanan/{secret}/ubah/",
                 f"/kerawanan/{secret}/mitigasi/"]:  # fmt: skip
        assert page.goto(path).status == 200, path
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        audit(page)


def test_a_tps_rawan_is_recorded_without_javascript(browse, register_world):
    """The region picker's steps come from the server; what was typed stays."""
    world = register_world
    page = browse("phone", javascript=False)
    login(page, "bawaslu@demo.test")
    page.goto("/kerawanan/baru/")
    form = page.get_by_role("main").locator("form")
    form.get_by_label(either("Judul", "Title")).fill("TPS rawan tanpa skrip")
    step = form.get_by_role(
        "button", name=either("Tampilkan pilihan wilayah", "Show region choices")
    )
    form.get_by_label(either("Kabupaten/kota", "Regency/city")).select_option("17.02")
    step.click()
    form.get_by_label(either("Kecamatan", "District")).select_option(world["district"])
    step.click()
    expect(form.get_by_label(either("Judul", "Title"))).to_have_value("TPS rawan tanpa skrip")
    form.get_by_label(either("Desa/kelurahan", "Village")).select_option(world["village"])
    form.get_by_label(either("Nomor TPS", "TPS numbers")).fill("7")
    form.get_by_label(either("Kategori", "Category")).select_option("bencana")
    form.get_by_label(either("Dimensi IKP", "IKP dimension")).select_option(world["ikp"])
    form.get_by_role("group", name=either("Kemungkinan", "Likelihood")).locator(
        'input[value="2"]'
    ).check()
    form.get_by_role("group", name=either("Dampak", "Impact")).locator('input[value="3"]').check()
    form.get_by_role("button", name=either("Simpan", "Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("TPS rawan tanpa skrip")
    expect(page.get_by_role("main")).to_contain_text("17.02")
    audit(page)
