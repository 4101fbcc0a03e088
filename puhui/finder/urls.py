from django.urls import path

from puhui.finder import views

app_name = "finder"

urlpatterns = [
    path("", views.home, name="home"),  # public
    path("knowledge/", views.knowledge, name="knowledge"),  # public
    path("knowledge/<id:pk>/", views.article, name="article"),  # public
    path("articles/", views.articles, name="articles"),
    path("articles/new/", views.article_edit, name="article_add"),
    path("articles/<id:pk>/", views.article_edit, name="article_edit"),
    path("articles/<id:pk>/publish/", views.article_publish, name="article_publish"),
]
