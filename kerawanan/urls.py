from django.urls import path

app_name = "kerawanan"
urlpatterns = []
