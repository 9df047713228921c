// The assessment form works without this file; it only saves clicks:
// choosing a severity opens the pattern's muscles, and adjusting a muscle's
// role or side ticks it as found.
document.addEventListener("change", (event) => {
  const target = event.target;
  const block = target.closest("[data-pattern-block]");
  if (!block) {
    return;
  }
  if (target.matches("[data-severity] input[type=radio]") && target.checked && target.value !== "0") {
    const details = block.querySelector("[data-pattern-details]");
    if (details) {
      details.open = true;
    }
  }
  if (target.matches("[data-muscle-adjust]")) {
    const found = target.closest(".muscle-row")?.querySelector("[data-muscle-found]");
    if (found) {
      found.checked = true;
    }
  }
});
