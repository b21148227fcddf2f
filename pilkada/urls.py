from django.contrib import admin
from django.urls import include, path

from coordination.views import public

# A lost database answers 503 (pilkada/outage.py), any other failure the 500 page.
handler500 = "pilkada.outage.server_error"

urlpatterns = [
    path("", public.home, name="home"),
    path("tentang-data/", public.about_data, name="about_data"),
    path("healthz", public.healthz, name="healthz"),
    path("robots.txt", public.robots_txt, name="robots_txt"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bahasa/<str:code>/", public.language_switch, name="language_switch"),
    path("akun/", include("allauth.urls")),
    path("koordinasi/", include("coordination.urls")),
    path("sosialisasi/", include("outreach.urls")),
    path("admin/", admin.site.urls),
]
