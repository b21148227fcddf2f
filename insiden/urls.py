"""The incident desk under /insiden/, the situation room under /situasi/ and the public's reports
under /lapor/ (included at the root by the site shell)."""

from django.urls import path

from insiden.views import desk, links, public, rules, situation, triage

app_name = "insiden"

urlpatterns = [
    path("insiden/", desk.incident_list, name="incident_list"),
    path("insiden/lapor/", desk.incident_report, name="report"),
    path("insiden/triase/", triage.triage_list, name="triage"),
    path("insiden/triase/<int:pk>/verifikasi/", triage.verify_view, name="triage_verify"),
    path("insiden/triase/<int:pk>/arsipkan/", triage.archive_view, name="triage_archive"),
    path("insiden/triase/<int:pk>/gabung/", triage.merge_view, name="triage_merge"),
    path("insiden/<int:pk>/", desk.incident_detail, name="incident_detail"),
    path("insiden/<int:pk>/terima/", desk.acknowledge_view, name="acknowledge"),
    path("insiden/<int:pk>/status/", desk.status_view, name="status"),
    path("insiden/<int:pk>/rujuk/", desk.refer_view, name="refer"),
    path("insiden/<int:pk>/gabung/", desk.merge_view, name="merge"),
    path("insiden/<int:pk>/komentar/", desk.comment_view, name="comment"),
    path("insiden/<int:pk>/foto/", desk.photo_add_view, name="photo_add"),
    path("insiden/<int:pk>/foto/<int:photo_pk>/", desk.photo_view, name="photo"),
    path("insiden/<int:pk>/kerawanan/", links.risk_view, name="risk"),
    path("insiden/<int:pk>/tugas/", links.task_view, name="task"),
    path("insiden/aturan/", rules.rules_index, name="rules_index"),
    path("insiden/aturan/<str:code>/", rules.rules_view, name="rules"),
    path("insiden/wilayah/<str:code>/", desk.region_children, name="region_children"),
    path("lapor/", public.report_form, name="public_report"),
    path("lapor/terkirim/", public.report_sent, name="public_sent"),
    path("lapor/status/", public.report_status, name="public_status"),
    path("situasi/", situation.situation_view, name="situation"),
    path("situasi/provinsi/<str:code>/", situation.wall_view, name="wall"),
]
