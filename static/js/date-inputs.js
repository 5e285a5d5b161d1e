// Every date input is a text typed as YYYY-MM-DD (kam/forms.py DateInput). Beside each, a
// button opens the browser's own calendar through a hidden date input, whose value is always
// YYYY-MM-DD, and copies the chosen day into the text. Without this script the text works alone.
(function () {
  "use strict";
  var ISO = /^\d{4}-\d{2}-\d{2}$/;
  var label = window.gettext ? window.gettext("Choose the date on a calendar") : "Calendar";

  function calendarIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "1.5");
    path.setAttribute("d", "M2.5 3.5h11v10h-11z M2.5 6.5h11 M5 1.5v3 M11 1.5v3");
    svg.appendChild(path);
    return svg;
  }

  function enhance(text) {
    var picker = document.createElement("input");
    picker.type = "date";
    if (picker.type !== "date" || typeof picker.showPicker !== "function") {
      return;
    }
    // No name, no min or max: the proxy is never sent and never stops a form's validation
    // (the server says when a date is out of range); it is emptied once it has been read.
    picker.className = "date-picker-proxy";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");

    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-picker-button";
    button.setAttribute("aria-label", label);
    button.title = label;
    button.appendChild(calendarIcon());

    var holder = document.createElement("span");
    holder.className = "date-field";
    text.parentNode.insertBefore(holder, text);
    holder.appendChild(text);
    holder.appendChild(button);
    holder.appendChild(picker);

    button.addEventListener("click", function () {
      picker.value = ISO.test(text.value) ? text.value : "";
      try {
        picker.showPicker();
      } catch (error) {
        text.focus();
      }
    });
    picker.addEventListener("change", function () {
      if (picker.value) {
        text.value = picker.value;
        text.dispatchEvent(new Event("input", { bubbles: true }));
        text.dispatchEvent(new Event("change", { bubbles: true }));
      }
      picker.value = "";
      text.focus();
    });
  }

  function enhanceAll(root) {
    root.querySelectorAll("input[data-date-input]").forEach(function (text) {
      if (!text.closest(".date-field")) {
        enhance(text);
      }
    });
  }

  enhanceAll(document);
  // Rows added in place (static/js/formset-rows.js) bring date inputs of their own.
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) {
          enhanceAll(node);
        }
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
