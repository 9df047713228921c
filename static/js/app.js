// Behaviour that pages opt into with data attributes, so no page needs inline script.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// A screening's "All answers are no" ticks every "No"; a "Yes" unticks it. Without
// JavaScript the form itself answers no to what was left unanswered.
document.addEventListener("change", (event) => {
  const target = event.target;
  const form = target.form;
  if (!form) {
    return;
  }
  if (target.matches("[data-all-no]") && target.checked) {
    form.querySelectorAll('input[type="radio"][value="no"]').forEach((radio) => {
      radio.checked = true;
    });
  } else if (target.matches('input[type="radio"][value="yes"]')) {
    const allNo = form.querySelector("[data-all-no]");
    if (allNo) {
      allNo.checked = false;
    }
  }
});
