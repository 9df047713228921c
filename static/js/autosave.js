// Saves a draft assessment a few seconds after each change, so that a dropped connection or a
// closed tab loses nothing. The page works without it: "Save draft" saves as before.
// The server answers JSON: whether it saved, a line to show, and the version and address the
// page must save to next (a new assessment becomes a draft at its own address on first save).
(() => {
  const form = document.querySelector("form[data-autosave]");
  const status = document.getElementById("autosave-status");
  if (!form || !status) {
    return;
  }
  const WAIT_MS = 3000;
  let timer = null;
  let saving = false;
  let again = false;
  let submitter = null;

  const adopt = (result) => {
    let version = form.querySelector('input[name="version"]');
    if (!version) {
      version = document.createElement("input");
      version.type = "hidden";
      version.name = "version";
      form.append(version);
    }
    version.value = result.version;
    form.action = result.url;
    if (window.location.pathname !== result.url) {
      window.history.replaceState(null, "", result.url);
    }
  };

  const save = async () => {
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    status.textContent = "Saving…";
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Autosave": "1" },
        credentials: "same-origin",
      });
      const result = await response.json();
      if (result.saved) {
        adopt(result);
      }
      status.textContent = result.message;
    } catch {
      status.textContent = "Not saved: no connection. Your changes are still here and are saved when it returns.";
      again = true;
    } finally {
      saving = false;
    }
    if (submitter) {
      // The button pressed while saving: now that the page has the new version, press it again.
      const button = submitter;
      submitter = null;
      form.requestSubmit(button);
    } else if (again) {
      again = false;
      timer = setTimeout(save, WAIT_MS);
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    status.textContent = "Changes not saved yet…";
    timer = setTimeout(save, WAIT_MS);
  };
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  // A button press saves the page itself: no background save may race it, and one under way
  // finishes first, so that the press claims the version that save made.
  form.addEventListener("submit", (event) => {
    clearTimeout(timer);
    if (saving) {
      event.preventDefault();
      submitter = event.submitter;
    }
  });
})();
