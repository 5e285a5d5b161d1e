// The number of unread notifications beside "Inbox" in the navigation, read from the API
// once per page (the page itself runs no query for it). Empty, the span shows nothing.
(function () {
  "use strict";
  var badge = document.querySelector("[data-unread-badge]");
  if (!badge || !window.fetch) {
    return;
  }
  fetch(badge.getAttribute("data-source"), {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then(function (answer) {
      return answer.ok ? answer.json() : null;
    })
    .then(function (body) {
      if (body && typeof body.count === "number" && body.count > 0) {
        badge.textContent = body.count > 99 ? "99+" : String(body.count);
        var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
        var format = ngettext("%(count)s unread", "%(count)s unread", body.count);
        badge.setAttribute("aria-label", format.replace("%(count)s", String(body.count)));
        badge.className = "badge bad";
      }
    })
    .catch(function () {
      /* no badge: the inbox page still shows the count */
    });
})();
