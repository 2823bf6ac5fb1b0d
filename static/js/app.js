/* ReformTracker's own script, served by the app (the Content-Security-Policy allows no inline script).
   A button or link with data-confirm="…" asks before it acts. */
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// 章节 lists the chosen plan's sections only: a new plan reloads the list without the old section
(function () {
  var plan = document.getElementById("id_plan"), section = document.getElementById("id_section");
  if (!plan || !section || !plan.form || plan.form.method.toLowerCase() !== "get") return;
  plan.addEventListener("change", function () { section.value = ""; plan.form.submit(); });
})();
