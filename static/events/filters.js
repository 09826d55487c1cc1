/* The filter sidebar: keep shared links short, and fold the panel away on a phone. */
(function () {
  "use strict";

  // Empty fields would put "country=&admin1=&..." into every link; leave them out of the query string.
  document.querySelectorAll("form[data-clean-empty]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select, textarea").forEach(function (field) {
        if (!field.name) return;
        var empty = (field.type === "checkbox" || field.type === "radio") ? false : field.value === "";
        if (field.tagName === "SELECT" && field.multiple) empty = field.selectedOptions.length === 0;
        if (empty) field.disabled = true;
      });
      // Disabled fields come back enabled when the reader returns with the Back button.
      window.setTimeout(function () {
        form.querySelectorAll("[disabled]").forEach(function (field) { field.disabled = false; });
      }, 0);
    });
  });

  // On a narrow screen the filters start folded (unless one has an error): the results come first.
  // On a wide one they are always open (the toggle is hidden there), also after a resize.
  var panel = document.getElementById("filters");
  var narrow = window.matchMedia("(max-width: 52rem)");
  if (panel && narrow.matches && !panel.querySelector(".has-error")) {
    panel.open = false;
  }
  if (panel) {
    narrow.addEventListener("change", function (event) { if (!event.matches) panel.open = true; });
  }
})();
