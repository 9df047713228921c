// The assessment form works without this file; it only saves clicks: adjusting a
// muscle's role or side ticks it as found. (htmx, from the markup alone, fetches a
// pattern's muscles when a severity is chosen.)
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("[data-muscle-adjust]")) {
    const found = target.closest(".muscle-row")?.querySelector("[data-muscle-found]");
    if (found) {
      found.checked = true;
    }
  }
});
