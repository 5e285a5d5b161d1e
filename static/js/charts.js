// Draws every plotly figure on the page: <div class="chart" data-figure="ID"> reads the JSON
// that the view embedded with {{ figure|json_script:"ID" }}. plotly.js is served from
// static/vendor/ (no CDN).
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll(".chart[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.dataset.figure);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      Plotly.newPlot(element, figure.data, figure.layout, { responsive: true, displaylogo: false });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }

  // Printing: draw every chart at the width of an A4 portrait column and at most a quarter of
  // its height (a chart of the screen's height takes a third of a page), then give it back to
  // the screen layout. Print media emulation fires the media-query change, a real print
  // dialog fires beforeprint/afterprint; both end up here.
  var PRINT_WIDTH = 640; // px at 96 dpi: 170 mm, inside a card on an A4 page with 15 mm margins
  var PRINT_MAX_HEIGHT = 220; // px at 96 dpi: 58 mm of the page's 267 mm
  var PRINT_TINY_HEIGHT = 170; // a .chart-tiny (a score per run)
  function sizeForPrint(isPrint) {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll(".chart.js-plotly-plot").forEach(function (element) {
      if (isPrint) {
        if (!element.dataset.screenHeight) {
          element.dataset.screenHeight = String(element.layout.height || "");
        }
        var most = element.classList.contains("chart-tiny") ? PRINT_TINY_HEIGHT : PRINT_MAX_HEIGHT;
        var height = Math.min(Number(element.dataset.screenHeight) || most, most);
        Plotly.relayout(element, { width: PRINT_WIDTH, height: height, autosize: false });
      } else {
        Plotly.relayout(element, {
          width: null, height: Number(element.dataset.screenHeight) || null, autosize: true
        });
      }
    });
  }
  window.addEventListener("beforeprint", function () { sizeForPrint(true); });
  window.addEventListener("afterprint", function () { sizeForPrint(false); });
  if (window.matchMedia) {
    window.matchMedia("print").addEventListener("change", function (event) { sizeForPrint(event.matches); });
  }
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-action=print]") : null;
    if (target) { window.print(); }
  });
})();
