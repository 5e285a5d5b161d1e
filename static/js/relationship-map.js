// Relationship map helpers (no libraries): expand/collapse every subtree of the org chart
// and find a person by name or title. The chart works without this script; the native
// <details> elements are the collapsible subtrees.
(function () {
  "use strict";
  var tree = document.getElementById("org-tree");
  var tools = document.querySelector(".tree-tools");
  if (!tree || !tools) { return; }
  tools.hidden = false;
  var allDetails = function () { return tree.querySelectorAll("details"); };
  tools.addEventListener("click", function (event) {
    var action = event.target.getAttribute("data-tree");
    if (!action) { return; }
    allDetails().forEach(function (details) { details.open = action === "open"; });
  });
  var filter = document.getElementById("tree-filter");
  filter.addEventListener("input", function () {
    var wanted = filter.value.trim().toLowerCase();
    var first = null;
    tree.querySelectorAll(".person").forEach(function (person) {
      var hit = wanted.length > 1 && person.getAttribute("data-person").indexOf(wanted) !== -1;
      person.classList.toggle("match", hit);
      if (!hit) { return; }
      // open every subtree on the way down to the match
      for (var node = person.parentElement; node && node !== tree; node = node.parentElement) {
        if (node.tagName === "DETAILS") { node.open = true; }
      }
      if (!first) { first = person; }
    });
    if (first) { first.scrollIntoView({ block: "nearest" }); }
  });
})();
