// The main navigation folds behind a "Menu" button on a narrow screen (a disclosure button:
// aria-expanded says whether it is open). Without this script the navigation simply stays open.
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  var nav = document.getElementById("main-nav");
  if (!button || !nav) {
    return;
  }
  var narrow = window.matchMedia("(max-width: 760px)");
  function fold(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("folded", narrow.matches && !open);
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    fold(button.getAttribute("aria-expanded") !== "true");
  });
  narrow.addEventListener("change", function () {
    fold(false);
  });
  fold(false);
})();
