// "Add objective" / "Add action": a new row of a Django formset from its empty form (the
// <template data-empty-row>), numbered by the formset's TOTAL_FORMS, which it then raises.
// Without this script the page still shows one blank row, and the buttons stay hidden.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (set) {
    var prefix = set.getAttribute("data-formset");
    var total = set.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = set.querySelector("template[data-empty-row]");
    var rows = set.querySelector("[data-rows]");
    var button = set.querySelector("[data-add-row]");
    if (!total || !template || !rows || !button) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/ new /g, " " + (index + 1) + " ");
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = rows.lastElementChild && rows.lastElementChild.querySelector("input:not([type=hidden]), select");
      if (first) {
        first.focus();
      }
    });
  });
})();
