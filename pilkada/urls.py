from django.contrib import admin
from django.urls import include, path

from api.urls import staff_urlpatterns as integration_pages
from pilkada import discovery, public_summary
from pilkada import views as shell

# A lost database answers 503 (pilkada/outage.py), any other failure the 500 page.
handler500 = "pilkada.outage.server_error"

urlpatterns = [
    path("", shell.home, name="home"),
    path("tentang-data/", shell.about_data, name="about_data"),
    # The public situation summary and its open data (incidents and outreach requests).
    path("ringkasan-situasi/", public_summary.summary_page, name="public_summary"),
    path("ringkasan-situasi/data.json", public_summary.summary_json, name="public_summary_json"),
    path("ringkasan-situasi/data.csv", public_summary.summary_csv, name="public_summary_csv"),
    path("healthz", shell.healthz, name="healthz"),
    path("healthz/mail", shell.healthz_mail, name="healthz_mail"),
    path("robots.txt", shell.robots_txt, name="robots_txt"),
    path("sitemap.xml", discovery.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", discovery.sitemap_section, name="sitemap_section"),
    path("favicon.ico", discovery.favicon_ico, name="favicon"),
    path("apple-touch-icon.png", discovery.apple_touch_icon, name="apple_touch_icon"),
    path("manifest.webmanifest", discovery.web_manifest, name="web_manifest"),
    path(".well-known/security.txt", discovery.security_txt, name="security_txt"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bahasa/<str:code>/", shell.language_switch, name="language_switch"),
    path("akun/", include("allauth.urls")),
    path("koordinasi/", include("coordination.urls")),
    path("sosialisasi/", include("outreach.urls")),
    path("kerawanan/", include("kerawanan.urls")),
    path("notifikasi/", include("messaging.urls")),
    # The incident desk (/insiden/...) and the situation room (/situasi/...).
    path("", include("insiden.urls")),
    path("api/", include("api.urls")),
    path("integrasi/", include(integration_pages)),
    path("admin/", admin.site.urls),
]
