from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_robots_txt_keeps_staff_areas_out_without_touching_the_database(client, db, settings):
    settings.SITE_URL = "https://pilkada.example.go.id"
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /koordinasi/",
        "Disallow: /akun/",
        "Disallow: /admin/",
        "Disallow: /sosialisasi/kelola/",
        "Allow: /",
        "Sitemap: https://pilkada.example.go.id/sitemap.xml",
    ]
    assert len(queries.captured_queries) == 0
