// Draws every plotly figure on the page: <div class="chart" data-figure="ID"> reads the JSON
// that the view embedded with {{ figure|json_script:"ID" }}. plotly.js is served from
// static/vendor/ (no CDN).
(function () {
  "use strict";
  // plotly's own words (the tool bar's tooltips) and its dates' month and day names, in
  // simplified Chinese on a Chinese page; the figures' titles, axes and legends come from
  // the server in the page's language already.
  var CHINESE = {
    dictionary: {
      "Autoscale": "自动缩放",
      "Box Select": "框选",
      "Compare data on hover": "悬停时比较数据",
      "Double-click to zoom back out": "双击还原",
      "Download plot": "下载图表",
      "Download plot as a PNG": "下载为 PNG 图片",
      "Lasso Select": "套索选择",
      "Pan": "平移",
      "Produced with Plotly.js": "由 Plotly.js 生成",
      "Reset axes": "重置坐标轴",
      "Reset view": "重置视图",
      "Show closest data on hover": "悬停时显示最近的数据",
      "Toggle Spike Lines": "显示或隐藏参考线",
      "Zoom": "缩放",
      "Zoom in": "放大",
      "Zoom out": "缩小"
    },
    format: {
      days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
      shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
      months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
      shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
      date: "%Y-%m-%d",
      year: "%Y年",
      month: "%Y年%-m月",
      dayMonth: "%-m月%-d日",
      dayMonthYear: "%Y年%-m月%-d日"
    }
  };
  function config() {
    var settings = { responsive: true, displaylogo: false };
    if ((document.documentElement.lang || "").indexOf("zh") === 0) {
      settings.locale = "zh-CN";
      settings.locales = { "zh-CN": CHINESE };
    }
    return settings;
  }
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll(".chart[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.dataset.figure);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      Plotly.newPlot(element, figure.data, figure.layout, config());
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
