from django.urls import path

from coordination.views import (
    agencies,
    dashboard,
    deliveries,
    elections,
    invitations,
    meeting_documents,
    meetings,
    staff,
    tasks,
)

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

urlpatterns += [
    path("rapat/", meetings.meeting_list, name="meeting_list"),
    path("rapat/saya/", meetings.my_meeting_list, name="my_meetings"),
    path("rapat/baru/", meetings.meeting_create_view, name="meeting_create"),
    path("rapat/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("rapat/<int:pk>/ubah/", meetings.meeting_edit_view, name="meeting_edit"),
    path("rapat/<int:pk>/batal/", meetings.meeting_cancel_view, name="meeting_cancel"),
    path("rapat/<int:pk>/jawab/", meetings.meeting_respond_view, name="meeting_respond"),
    path("rapat/<int:pk>/kehadiran/", meetings.meeting_attendance_view, name="meeting_attendance"),
    path("rapat/<int:pk>/notulen/", meetings.meeting_minutes_view, name="meeting_minutes"),
    path(
        "rapat/<int:pk>/lampiran/",
        meeting_documents.meeting_document_upload_view,
        name="meeting_document_add",
    ),
    path(
        "rapat/<int:pk>/lampiran/<int:doc_pk>/",
        meeting_documents.meeting_document_download,
        name="meeting_document",
    ),
    path(
        "rapat/<int:pk>/lampiran/<int:doc_pk>/hapus/",
        meeting_documents.meeting_document_delete_view,
        name="meeting_document_delete",
    ),
    path("tugas/", tasks.task_list, name="task_list"),
    path("tugas/baru/", tasks.task_create_view, name="task_create"),
    path("tugas/impor/", tasks.task_import_view, name="task_import"),
    path("tugas/daftar-periksa/", tasks.checklist_stamp_view, name="checklist_stamp"),
    path("tugas/pembaruan/", tasks.update_feed, name="update_feed"),
    path("tugas/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tugas/<int:pk>/ubah/", tasks.task_edit_view, name="task_edit"),
    path("tugas/<int:pk>/status/", tasks.task_status_fragment, name="task_status_fragment"),
    path(
        "tugas/<int:pk>/bukti/<int:update_pk>/",
        tasks.task_evidence_download,
        name="task_evidence",
    ),
    path("kesiapan/", dashboard.dashboard_view, name="dashboard"),
    path("kesiapan/lembaga/", dashboard.dashboard_agencies, name="dashboard_agencies"),
]

urlpatterns += [
    path("pemilihan/", elections.election_list, name="election_list"),
    path("pemilihan/baru/", elections.election_create_view, name="election_create"),
    path("pemilihan/<int:pk>/", elections.election_detail, name="election_detail"),
    path("pemilihan/<int:pk>/ubah/", elections.election_edit_view, name="election_edit"),
    path("pemilihan/<int:pk>/tahapan/baru/", elections.stage_create_view, name="stage_create"),
    path("pemilihan/tahapan/<int:pk>/ubah/", elections.stage_edit_view, name="stage_edit"),
    path(
        "pemilihan/<int:pk>/daftar-periksa/baru/",
        elections.checklist_create_view,
        name="checklist_create",
    ),
    path("daftar-periksa/<int:pk>/", elections.checklist_detail, name="checklist_detail"),
    path("daftar-periksa/<int:pk>/ubah/", elections.checklist_edit_view, name="checklist_edit"),
]
