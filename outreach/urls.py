"""Outreach (sosialisasi): the public calendar, event pages, feeds, and staff management."""

from django.urls import path, register_converter

from outreach.views import coverage, feeds, manage, public, request_manage, requests


class RegionCodeConverter:
    regex = r"\d{2}(?:\.\d{2}){0,2}(?:\.\d{4})?"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RegionCodeConverter, "region")

app_name = "outreach"

urlpatterns = [
    path("", public.calendar_list, name="calendar"),
    path("bulan/", public.calendar_month, name="calendar_month_current"),
    path("bulan/<int:year>/<int:month>/", public.calendar_month, name="calendar_month"),
    path("pekan/", public.calendar_week, name="calendar_week_current"),
    path("pekan/<str:day>/", public.calendar_week, name="calendar_week"),
    path("acara/<int:pk>/", public.event_redirect, name="event_short"),
    path("acara/<int:pk>-<slug:slug>/", public.event_detail, name="event_detail"),
    path("acara/<int:pk>.ics", public.event_ics, name="event_ics"),
    path("acara/<int:pk>/kartu-<int:version>.png", public.event_card, name="event_card"),
    path("kalender.ics", feeds.feed_ics, name="feed_ics"),
    path("data.json", feeds.feed_json, name="feed_json"),
    path("data.csv", feeds.feed_csv, name="feed_csv"),
    path("wilayah/<region:code>/kalender.ics", feeds.region_feed_ics, name="region_feed_ics"),
    path("wilayah/<region:code>/data.json", feeds.region_feed_json, name="region_feed_json"),
    path("wilayah/<region:code>/data.csv", feeds.region_feed_csv, name="region_feed_csv"),
    # The public asks for a sosialisasi ("Minta sosialisasi")
    path("minta/", requests.request_form, name="request_form"),
    path("minta/terkirim/", requests.request_sent, name="request_sent"),
    path("minta/konfirmasi/<slug:token>/", requests.request_confirm, name="request_confirm"),
    path("minta/ikuti/<slug:token>/", requests.request_follow, name="request_follow"),
    # Staff
    path("kelola/", manage.event_list, name="manage_list"),
    path("kelola/baru/", manage.event_create, name="manage_create"),
    path("kelola/impor/", manage.event_import, name="manage_import"),
    path("kelola/impor/contoh.csv", manage.import_template, name="manage_import_template"),
    path(
        "kelola/impor/contoh.xlsx",
        manage.import_template,
        {"fmt": "xlsx"},
        name="manage_import_template_xlsx",
    ),
    path("kelola/wilayah/<region:code>/", manage.region_children, name="manage_region_children"),
    path("kelola/<int:pk>/", manage.event_detail, name="manage_detail"),
    path("kelola/<int:pk>/ubah/", manage.event_update, name="manage_update"),
    path("kelola/<int:pk>/status/", manage.event_status, name="manage_status"),
    path("kelola/<int:pk>/hapus/", manage.event_delete, name="manage_delete"),
    path("kelola/<int:pk>/laporan/", manage.event_report, name="manage_report"),
    path("kelola/<int:pk>/salin/", manage.event_duplicate, name="manage_duplicate"),
    path("kelola/permintaan/", request_manage.request_list, name="request_list"),
    path("kelola/permintaan/<int:pk>/", request_manage.request_detail, name="request_detail"),
    path(
        "kelola/permintaan/<int:pk>/terima/", request_manage.request_accept, name="request_accept"
    ),
    path(
        "kelola/permintaan/<int:pk>/usulkan/",
        request_manage.request_propose,
        name="request_propose",
    ),
    path(
        "kelola/permintaan/<int:pk>/tolak/", request_manage.request_decline, name="request_decline"
    ),
    path("kelola/cakupan/", coverage.overview, name="coverage"),
    path("kelola/cakupan.csv", coverage.overview, {"fmt": "csv"}, name="coverage_csv"),
    path("kelola/cakupan.xlsx", coverage.overview, {"fmt": "xlsx"}, name="coverage_xlsx"),
    path("kelola/cakupan/<region:code>/", coverage.regency, name="coverage_regency"),
    path(
        "kelola/cakupan/<region:code>.csv",
        coverage.regency,
        {"fmt": "csv"},
        name="coverage_regency_csv",
    ),
    path(
        "kelola/cakupan/<region:code>.xlsx",
        coverage.regency,
        {"fmt": "xlsx"},
        name="coverage_regency_xlsx",
    ),
]
