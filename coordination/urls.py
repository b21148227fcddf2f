from django.urls import path

from coordination.views import agencies, deliveries, invitations, staff

app_name = "coordination"

urlpatterns = [
    path("", staff.staff_home, name="staff_home"),
    path("profil/", staff.profile, name="profile"),
    path("lembaga/", agencies.agency_list, name="agency_list"),
    path("lembaga/baru/", agencies.agency_create_view, name="agency_create"),
    path("lembaga/<int:pk>/", agencies.agency_detail, name="agency_detail"),
    path("undang/", agencies.invitation_create_view, name="invitation_create"),
    path("undangan/<str:token>/", invitations.invitation_accept_view, name="invitation_accept"),
    path(
        "rapat/<int:pk>/pengiriman/",
        deliveries.meeting_deliveries_view,
        name="meeting_deliveries",
    ),
    path(
        "rapat/<int:pk>/pengiriman/<int:delivery_pk>/ulang/",
        deliveries.meeting_delivery_retry_view,
        name="meeting_delivery_retry",
    ),
    path("pengingat/", deliveries.reminder_defaults_view, name="reminder_defaults"),
    path("profil/ringkasan/", deliveries.digest_preference_view, name="digest_preference"),
]
