"""The staff pages of API keys: KPU staff make keys for agencies of their regions (shown once,
stored hashed) and revoke them; nobody else reaches the pages."""

import hashlib

from django.urls import reverse

from api.models import ApiKey
from tests.integration.api.conftest import key_client, make_key


def _form(agency, **extra):
    return {"name": "Sistem Polres", "agency": agency.pk, "scopes": ["tasks:read"], "days": "90",
            **extra}  # fmt: skip


def test_staff_makes_a_key_shown_once_and_stored_hashed(client, api_world):
    client.force_login(api_world.staff)
    response = client.post(reverse("integrasi:key_create"), _form(api_world.bawaslu))
    assert response.status_code == 200
    token = response.context["token"]
    key = ApiKey.objects.get(name="Sistem Polres")
    assert token.startswith(f"pk_{key.prefix}_") and token.encode() in response.content
    assert key.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiKey.objects.filter(pk=key.pk).values().get())
    assert "no-store" in response["Cache-Control"]
    assert key_client(token).get("/api/v1/tasks/").status_code == 200
    listing = client.get(reverse("integrasi:key_list"))
    assert token.encode() not in listing.content and key.prefix.encode() in listing.content


def test_staff_cannot_make_a_key_for_another_regencys_agency(client, api_world):
    client.force_login(api_world.staff)
    response = client.post(reverse("integrasi:key_create"), _form(api_world.polres_other))
    assert response.status_code == 200 and "agency" in response.context["form"].errors
    assert not ApiKey.objects.filter(name="Sistem Polres").exists()


def test_liaison_and_anonymous_are_refused(client, api_world):
    for url in (reverse("integrasi:key_list"), reverse("integrasi:key_create")):
        assert client.get(url).status_code == 302
    client.force_login(api_world.liaison)
    for url in (reverse("integrasi:key_list"), reverse("integrasi:key_create")):
        assert client.get(url).status_code == 403
    revoke = reverse("integrasi:key_revoke", args=[api_world.liaison_key.key.pk])
    assert client.post(revoke).status_code == 403


def test_revoke_stops_the_key_and_only_in_scope(client, api_world, other_regency):
    w = api_world
    other_key = make_key(w.polres_other, name="Polres 17.02")
    client.force_login(w.staff)
    other = reverse("integrasi:key_revoke", args=[other_key.key.pk])
    assert client.post(other).status_code == 404
    response = client.post(reverse("integrasi:key_revoke", args=[w.liaison_key.key.pk]))
    assert response.status_code == 302
    assert key_client(w.liaison_key.token).get("/api/v1/tasks/").status_code == 401
    assert key_client(other_key.token).get("/api/v1/tasks/").status_code == 200
