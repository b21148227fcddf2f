from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from api.rest import docs, incidents, views

router = SimpleRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("events", views.EventViewSet, basename="event")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("risks", views.RiskViewSet, basename="risk")
router.register("incidents", incidents.IncidentViewSet, basename="incident")

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", docs.RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
    re_path(r"", views.NotFoundView.as_view()),
]
