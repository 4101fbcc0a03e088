app_name = "disposal"

urlpatterns = []
