app_name = "bankeval"

urlpatterns: list = []
