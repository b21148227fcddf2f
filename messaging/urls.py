from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.settings_view, name="settings"),
    path("telegram/tautkan/", views.telegram_link_view, name="telegram_link"),
    path("telegram/lepas/", views.telegram_unlink_view, name="telegram_unlink"),
    path("telegram/webhook/<str:secret>/", views.telegram_webhook, name="telegram_webhook"),
]
