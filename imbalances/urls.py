app_name = "imbalances"

urlpatterns = []
