/* ReformTracker's own script, served by the app (the Content-Security-Policy allows no inline script).
   A button or link with data-confirm="…" asks before it acts. */
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
