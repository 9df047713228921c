"""The in-page camera and the upload's progress bar: the trainer opens the camera for a view, sees
the framing guide over the picture, takes a photo, and adds it with the page sent in the background
(its progress shown) rather than reloaded."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Photo
from clients.models import Client
from tests import factories
from tests.browser.helpers import save_screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Registered after static/js/photo_upload.js, so it runs after the page's own submit handler:
# it records what that handler showed before the upload went out.
WATCH_THE_UPLOAD = """() => {
  window.uploadWatch = {sameDocument: true};
  document.addEventListener("submit", () => {
    const progress = document.querySelector("[data-photo-progress]");
    window.uploadWatch.progressShown = !progress.hidden;
    window.uploadWatch.progressText = progress.querySelector("[data-photo-progress-text]").textContent;
  });
}"""


def test_a_photo_taken_with_the_camera_is_added_with_the_upload_in_the_background(
    live_server, page, sign_in, trainer, client_record, screenshot_dir
):
    Client.objects.filter(pk=client_record.pk).update(
        photo_consent_given_at=timezone.now(), photo_consent_recorded_by=trainer
    )
    today = factories.AssessmentFactory(client=client_record, session_date=timezone.localdate())
    page.context.grant_permissions(["camera"], origin=live_server.url)
    sign_in(trainer)
    page.goto(live_server.url + reverse("assessments:photos", args=[today.pk]))

    page.get_by_text("Take a photo (Front)").click()
    dialog = page.locator("dialog[data-photo-camera-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Take a photo: Front")
    # The camera's picture plays under the framing guide.
    video = page.locator("[data-photo-camera-video]")
    for _ in range(50):  # the page's CSP forbids wait_for_function's eval: ask until it plays
        if video.evaluate("video => video.videoWidth") > 0:
            break
        page.wait_for_timeout(100)
    assert video.evaluate("video => !video.paused && video.videoWidth > 0")
    expect(dialog.locator(".photo-camera-guide")).to_be_visible()
    save_screenshot(page, screenshot_dir / "photo-camera.png")
    size = video.evaluate("video => [video.videoWidth, video.videoHeight]")
    dialog.get_by_role("button", name="Take the photo").click()
    expect(dialog).to_be_hidden()
    front = page.locator("[data-photo-field]").filter(has=page.get_by_text("Take a photo (Front)"))
    expect(front.locator("[data-photo-taken]")).to_have_text("1 photo taken")
    # The camera is let go once the photo is taken.
    assert video.evaluate("video => video.srcObject.active") is False

    page.evaluate(WATCH_THE_UPLOAD)
    page.get_by_role("button", name="Add photos").click()
    expect(page.get_by_test_id("photo")).to_have_count(1)
    watch = page.evaluate("window.uploadWatch")
    assert watch == {"sameDocument": True, "progressShown": True, "progressText": "Uploading…"}

    photo = Photo.objects.get(assessment=today)
    assert photo.view == "front"
    # The fake camera's frame, as taken: nothing cropped or scaled on the way.
    assert [photo.width, photo.height] == size
