from django.urls import path

from kerawanan.views import heat, imports, regions, register, taxonomy, work

app_name = "kerawanan"

urlpatterns = [
    path("", register.risk_list, name="risk_list"),
    path("baru/", register.risk_create_view, name="risk_create"),
    path("<int:pk>/", register.risk_detail, name="risk_detail"),
    path("<int:pk>/ubah/", register.risk_edit_view, name="risk_edit"),
    path("<int:pk>/mitigasi/", work.mitigation_view, name="mitigation"),
    path("<int:pk>/agenda/", work.agenda_add_view, name="agenda_add"),
    path(
        "rapat/<int:meeting_pk>/agenda/",
        work.agenda_high_risks_view,
        name="agenda_high_risks",
    ),
    path(
        "rapat/<int:meeting_pk>/agenda/<int:pk>/hapus/",
        work.agenda_remove_view,
        name="agenda_remove",
    ),
    path("impor/", imports.import_view, name="import"),
    path("impor/templat.<str:kind>", imports.import_template_view, name="import_template"),
    path("panas/", heat.heat_view, name="heat"),
    path("panas/<str:code>/", heat.heat_view, name="heat_region"),
    path("ringkasan/", heat.public_summary_view, name="public_summary"),
    path("ringkasan/<str:code>/", heat.public_summary_view, name="public_summary_region"),
    path("dimensi/", taxonomy.dimension_list, name="dimension_list"),
    path("dimensi/<int:pk>/", taxonomy.dimension_edit, name="dimension_edit"),
    path("wilayah/<str:code>/", regions.region_children, name="region_children"),
]
