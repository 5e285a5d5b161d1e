// Builds static/vendor/plotly.min.js (a partial plotly.js bundle, see entry.js) the way
// plotly.js's own bundler does (esbuild, attribute descriptions stripped, minified), and
// copies axe-core into tests/vendor/ for the accessibility tests (not served to users).
//
//     cd scripts/vendor-js && npm ci && node build.mjs
//
// Then `python scripts/plotly_css.py` writes static/vendor/plotly.css from the new bundle.
import { build } from "esbuild";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const stripMeta = require("plotly.js/tasks/compress_attributes.js");
const plotlyVersion = require("plotly.js/package.json").version;
const axeDir = path.dirname(require.resolve("axe-core/package.json"));

await build({
  entryPoints: [path.join(here, "entry.js")],
  outfile: path.join(root, "static", "vendor", "plotly.min.js"),
  bundle: true,
  format: "iife",
  globalName: "Plotly",
  minify: true,
  legalComments: "eof",
  target: "es2016",
  plugins: [stripMeta],
  // maplibre-gl's stylesheet is required only when a map trace registers: none does here
  loader: { ".css": "empty" },
  alias: { stream: "stream-browserify" },
  define: { global: "window", "define.amd": "false", "process.env.NODE_DEBUG": "false" },
  banner: {
    js:
      `/**\n* plotly.js v${plotlyVersion}, partial bundle: scatter, bar (scripts/vendor-js)\n` +
      "* Copyright 2012-2025, Plotly, Inc.\n* All rights reserved.\n* Licensed under the MIT license\n*/",
  },
  logLevel: "info",
});

const tests = path.join(root, "tests", "vendor");
fs.mkdirSync(tests, { recursive: true });
fs.copyFileSync(path.join(axeDir, "axe.min.js"), path.join(tests, "axe.min.js"));
fs.copyFileSync(path.join(axeDir, "LICENSE"), path.join(tests, "axe-core-LICENSE"));
