from django.urls import path

from assessments.views import actions, form, photos

app_name = "assessments"

urlpatterns = [
    path("new/<int:client_pk>/", form.create, name="create"),
    path("new/<int:client_pk>/from-last/", actions.start_from_last, name="start_from_last"),
    path("<int:pk>/", actions.detail, name="detail"),
    path("<int:pk>/edit/", form.update, name="update"),
    path("<int:pk>/finalise/", actions.finalise, name="finalise"),
    path("<int:pk>/reopen/", actions.reopen, name="reopen"),
    path("<int:pk>/history/", actions.history, name="history"),
    path("patterns/<slug:slug>/muscles/", form.pattern_muscles, name="pattern_muscles"),
    path("<int:pk>/photos/", photos.photos, name="photos"),
    path("<int:pk>/photos/share/", photos.share, name="photos_share"),
    path("photos/<int:pk>/delete/", photos.delete, name="photo_delete"),
    path("photos/<int:pk>/image.jpg", photos.image, name="photo_image"),
    path("photos/<int:pk>/thumbnail.jpg", photos.thumbnail, name="photo_thumbnail"),
    path("photos/<int:pk>/annotate/", photos.annotate, name="photo_annotate"),
    path("clients/<int:client_pk>/photos/compare/", photos.compare, name="photo_compare"),
    path("portal/<int:pk>/photos/", photos.portal_photos, name="portal_photos"),
    path("portal/photos/<int:pk>/image.jpg", photos.portal_image, name="portal_photo_image"),
    path("portal/photos/<int:pk>/thumbnail.jpg", photos.portal_thumbnail, name="portal_photo_thumbnail"),
]
