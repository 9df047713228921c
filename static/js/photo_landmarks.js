// Placing landmarks on a posture photo by tapping it. The form's number inputs (percent of the
// photo's width and height) stay what is saved: a tap fills the chosen landmark's pair, and the
// drawing follows the inputs. Without this script the inputs are the form.
(() => {
  const canvas = document.querySelector("[data-landmark-canvas]");
  const form = document.querySelector("[data-landmark-form]");
  const configScript = document.getElementById("landmark-config");
  if (!canvas || !form || !configScript || !canvas.getScreenCTM) {
    return;
  }
  const config = JSON.parse(configScript.textContent);
  const overlay = canvas.querySelector("[data-landmark-overlay]");
  const places = Array.from(form.querySelectorAll("[data-landmark-place]"));
  const status = form.querySelector("[data-landmark-status]");
  const stale = document.querySelector("[data-landmark-stale]");
  const SVG = "http://www.w3.org/2000/svg";
  const radius = config.radius;

  function input(name, axis) {
    return form.elements[`landmark-${name}-${axis}`];
  }

  function point(name) {
    const x = parseFloat(input(name, "x").value);
    const y = parseFloat(input(name, "y").value);
    if (Number.isNaN(x) || Number.isNaN(y)) {
      return null;
    }
    return [(x / 100) * config.width, (y / 100) * config.height];
  }

  function chosen() {
    const place = places.find((radio) => radio.checked);
    return place ? place.value : null;
  }

  function line(className, x1, y1, x2, y2) {
    const element = document.createElementNS(SVG, "line");
    element.setAttribute("class", className);
    element.setAttribute("x1", x1);
    element.setAttribute("y1", y1);
    element.setAttribute("x2", x2);
    element.setAttribute("y2", y2);
    overlay.appendChild(element);
  }

  // The same drawing as templates/assessments/_landmark_overlay.html, from the inputs.
  function redraw() {
    overlay.replaceChildren();
    const plumb = config.plumb.map(point);
    if (plumb.every(Boolean)) {
      const x = plumb.reduce((sum, p) => sum + p[0], 0) / plumb.length;
      line("landmark-guide", x, 0, x, config.height);
    }
    const ear = config.labels.ear ? point("ear") : null;
    const neck = config.labels.neck ? point("neck") : null;
    if (ear && neck) {
      line("landmark-guide", neck[0], neck[1], ear[0] + (ear[0] - neck[0]) * 0.5, neck[1]);
    }
    config.lines.forEach(([from, to]) => {
      const a = point(from);
      const b = point(to);
      if (a && b) {
        line("landmark-line", a[0], a[1], b[0], b[1]);
      }
    });
    const current = chosen();
    Object.entries(config.labels).forEach(([name, label]) => {
      const p = point(name);
      if (!p) {
        return;
      }
      const dot = document.createElementNS(SVG, "circle");
      dot.setAttribute("class", name === current ? "landmark-dot landmark-dot-chosen" : "landmark-dot");
      dot.setAttribute("cx", p[0]);
      dot.setAttribute("cy", p[1]);
      dot.setAttribute("r", radius);
      const title = document.createElementNS(SVG, "title");
      title.textContent = label;
      dot.appendChild(title);
      overlay.appendChild(dot);
    });
  }

  function changed() {
    if (stale) {
      stale.hidden = false;
    }
    redraw();
  }

  canvas.addEventListener("click", (event) => {
    const name = chosen();
    if (!name) {
      return;
    }
    // Screen to photo pixels, whatever size and letterboxing the photo is shown at.
    const at = new DOMPoint(event.clientX, event.clientY).matrixTransform(canvas.getScreenCTM().inverse());
    const x = Math.min(Math.max(at.x / config.width, 0), 1) * 100;
    const y = Math.min(Math.max(at.y / config.height, 0), 1) * 100;
    input(name, "x").value = x.toFixed(2);
    input(name, "y").value = y.toFixed(2);
    status.textContent = `${config.labels[name]} placed at ${x.toFixed(1)}% across, ${y.toFixed(1)}% down.`;
    const next = places[places.findIndex((radio) => radio.value === name) + 1];
    if (next) {
      next.checked = true;
    }
    changed();
  });

  form.addEventListener("input", (event) => {
    if (event.target.matches("[data-landmark-place]")) {
      redraw();
    } else if (event.target.name && event.target.name.startsWith("landmark-")) {
      changed();
    }
  });

  places.forEach((radio) => {
    radio.hidden = false;
    radio.disabled = false;
  });
  // Start at the first landmark not placed yet.
  const first = places.find((radio) => !point(radio.value)) || places[0];
  if (first) {
    first.checked = true;
  }
  document.querySelector("[data-landmark-help]").hidden = false;
  redraw();
})();
