from django.contrib import admin
from django.urls import include, path

from pilkada import views as shell

urlpatterns = [
    path("", shell.home, name="home"),
    path("tentang-data/", shell.about_data, name="about_data"),
    path("healthz", shell.healthz, name="healthz"),
    path("robots.txt", shell.robots_txt, name="robots_txt"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bahasa/<str:code>/", shell.language_switch, name="language_switch"),
    path("akun/", include("allauth.urls")),
    path("koordinasi/", include("coordination.urls")),
    path("sosialisasi/", include("outreach.urls")),
    path("kerawanan/", include("kerawanan.urls")),
    path("admin/", admin.site.urls),
]
