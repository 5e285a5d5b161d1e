// The plotly.js bundle KAM serves: its core (which holds the scatter trace: lines, markers,
// bubbles) and the bar trace, the only trace types portfolio/charts.py and
// valuation/charts.py draw. A chart of another type needs its module registered here and
// static/vendor/plotly.min.js built again (node build.mjs).
"use strict";

var Plotly = require("plotly.js/lib/core");

Plotly.register([require("plotly.js/lib/bar")]);

module.exports = Plotly;
