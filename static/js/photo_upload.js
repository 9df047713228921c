// Posture photos: upload with a progress bar, and a camera view with a framing guide.
// Both enhance a plain multipart form that works without JavaScript.

// Upload: the form is sent in the background so its progress can show; the page that comes
// back (the photos, or the form with what went wrong) replaces the main content.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-photo-upload]");
  if (!form || !window.FormData || !window.DOMParser) {
    return;
  }
  event.preventDefault();
  const progress = form.querySelector("[data-photo-progress]");
  const bar = progress.querySelector("progress");
  const text = progress.querySelector("[data-photo-progress-text]");
  const button = form.querySelector('button[type="submit"]');
  const data = new FormData(form);
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.upload.addEventListener("progress", (sent) => {
    if (sent.lengthComputable) {
      const percent = Math.round((sent.loaded / sent.total) * 100);
      bar.value = percent;
      text.textContent = percent < 100 ? `Uploading… ${percent}%` : "Checking the photos…";
    }
  });
  request.addEventListener("load", () => {
    const page = new URL(request.responseURL || form.action, window.location.href);
    const here = new URL(form.action, window.location.href);
    if (page.pathname !== here.pathname || !request.getResponseHeader("Content-Type")?.startsWith("text/html")) {
      // Signed out meanwhile, or something unexpected: show whatever the server answered.
      window.location.assign(page.href);
      return;
    }
    const doc = new DOMParser().parseFromString(request.responseText, "text/html");
    const main = document.getElementById("main");
    const fresh = doc.getElementById("main");
    if (!main || !fresh) {
      window.location.assign(page.href);
      return;
    }
    main.replaceChildren(...fresh.childNodes);
    document.title = doc.title;
    main.focus();
    window.scrollTo(0, 0);
  });
  request.addEventListener("error", () => {
    text.textContent = "The upload did not get through: check the connection, then add the photos again.";
    button.disabled = false;
  });
  button.disabled = true;
  bar.value = 0;
  text.textContent = "Uploading…";
  progress.hidden = false;
  request.send(data);
});

// What each view has taken with the camera, next to its button.
document.addEventListener("change", (event) => {
  const input = event.target.closest("[data-photo-camera-input]");
  if (!input) {
    return;
  }
  const taken = input.closest("[data-photo-field]").querySelector("[data-photo-taken]");
  const count = input.files.length;
  taken.textContent = count ? `${count} photo${count === 1 ? "" : "s"} taken` : "";
});

// The camera in the page, with a plumb line and a grid over it. Where the browser cannot open the
// camera (no permission, no secure connection), the button opens the phone's own camera instead.
let stream = null;
let target = null;
// Once the browser has refused the camera, the buttons open the phone's own camera app.
let refused = false;

function cameraDialog() {
  return document.querySelector("[data-photo-camera-dialog]");
}

function stopCamera() {
  if (stream) {
    stream.getTracks().forEach((track) => track.stop());
    stream = null;
  }
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("label[data-photo-camera]");
  const dialog = cameraDialog();
  if (!button || !dialog || refused || !navigator.mediaDevices?.getUserMedia || !window.DataTransfer) {
    return;
  }
  event.preventDefault();
  target = document.getElementById(button.htmlFor);
  dialog.querySelector("[data-photo-camera-title]").textContent = `Take a photo: ${target.dataset.viewLabel}`;
  const error = dialog.querySelector("[data-photo-camera-error]");
  error.hidden = true;
  dialog.showModal();
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: "environment", width: { ideal: 1920 }, height: { ideal: 1920 } },
      audio: false,
    });
    const video = dialog.querySelector("[data-photo-camera-video]");
    video.srcObject = stream;
    await video.play();
  } catch {
    refused = true;
    stopCamera();
    dialog.close();
    // The phone's own camera, through the file input's `capture`.
    target.click();
  }
});

document.addEventListener("click", (event) => {
  const dialog = cameraDialog();
  if (!dialog) {
    return;
  }
  if (event.target.closest("[data-photo-camera-close]")) {
    stopCamera();
    dialog.close();
  } else if (event.target.closest("[data-photo-camera-take]") && stream && target) {
    const video = dialog.querySelector("[data-photo-camera-video]");
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    const input = target;
    canvas.toBlob(
      (blob) => {
        if (!blob) {
          dialog.querySelector("[data-photo-camera-error]").hidden = false;
          dialog.querySelector("[data-photo-camera-error]").textContent = "The photo could not be taken: try again.";
          return;
        }
        // Added to the view's camera input, so that the form sends it like any chosen photo.
        const files = new DataTransfer();
        Array.from(input.files).forEach((file) => files.items.add(file));
        files.items.add(new File([blob], `camera-${Date.now()}.jpg`, { type: "image/jpeg" }));
        input.files = files.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
        stopCamera();
        dialog.close();
      },
      "image/jpeg",
      0.92,
    );
  }
});

document.addEventListener("close", (event) => {
  if (event.target === cameraDialog()) {
    stopCamera();
  }
}, true);
