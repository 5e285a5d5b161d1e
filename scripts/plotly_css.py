"""Write the two stylesheets that plotly.js would insert as <style> elements when it loads,
which the Content-Security-Policy (style-src 'self') blocks:

- static/vendor/plotly.css: plotly's own rules (modebar, hover labels, cursors). plotly skips
  its <style> when the page holds an element with the id `plotly.js-style-global` and the
  class `no-inline-styles`;
- static/vendor/plotly-maplibre.css: the stylesheet of maplibre-gl (map traces), which the
  bundle injects unless an element with its id (MAPLIBRE_ID) is on the page.

templates/partials/plotly.html links both with those ids.

    .venv/bin/python scripts/plotly_css.py [--check]

Run it again after replacing static/vendor/plotly.min.js; `--check` exits 1 when a file or
the partial's ids differ from what the bundle asks for (tests/kam/test_csp.py does the same).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "static" / "vendor" / "plotly.min.js"
STYLESHEET = ROOT / "static" / "vendor" / "plotly.css"
MAPLIBRE = ROOT / "static" / "vendor" / "plotly-maplibre.css"
PARTIAL = ROOT / "templates" / "partials" / "plotly.html"

# The rules are one object literal: {"X,X div":'direction:ltr;…', …, Y:'…', "Y p":"…"},
# X standing for `.js-plotly-plot .plotly` and Y for `.plotly-notifier`.
RULES = re.compile(r"\{\"X,X div\":.*?\}(?=;for\()", re.DOTALL)
ENTRY = re.compile(r"""(?:"([^"]*)"|([A-Za-z]+)):(?:'([^']*)'|"([^"]*)")""")
# if(!document.getElementById("<id>")){var e=document.createElement("style");e.id="<id>",
# e.textContent=`<css>`,document.head.appendChild(e)}
INJECTED = re.compile(
    r'getElementById\("([0-9a-f]{64})"\)\)\{var (\w+)=document\.createElement\("style"\);'
    r'\2\.id="\1",\2\.textContent=`([^`]*)`'
)


def stylesheet(*, bundle: str) -> str:
    """The rules in the order plotly's sheet holds them: each insertRule goes to index 0, so
    the sheet is the reverse of the literal, and that order decides between equal selectors."""
    found = RULES.search(bundle)
    if found is None:
        raise ValueError("plotly.js bundle: the style rules were not found")
    rules = []
    for key, bare_key, single, double in ENTRY.findall(found.group(0)):
        selector = (key or bare_key).replace("X", ".js-plotly-plot .plotly")
        selector = selector.replace("Y", ".plotly-notifier")
        body = single or double
        rules.append(f"{selector} {{ {body} }}")
    header = (
        "/* The style rules plotly.js would insert into a <style> element at load, written out"
        " so that\n   the Content-Security-Policy needs no inline style: scripts/plotly_css.py"
        " writes this file\n   from static/vendor/plotly.min.js. */\n"
    )
    return header + "\n".join(reversed(rules)) + "\n"


def injected(*, bundle: str) -> tuple[str, str]:
    """The id and the text of the one stylesheet the bundle injects whole (maplibre-gl's)."""
    found = INJECTED.findall(bundle)
    if len(found) != 1:
        raise ValueError(f"plotly.js bundle: {len(found)} injected stylesheets, expected 1")
    element_id, _name, css = found[0]
    return element_id, css + "\n"


def problems() -> list[str]:
    """What differs between the files and the bundle; empty when all is up to date."""
    bundle = BUNDLE.read_text(encoding="utf-8")
    maplibre_id, maplibre_css = injected(bundle=bundle)
    wanted = {STYLESHEET: stylesheet(bundle=bundle), MAPLIBRE: maplibre_css}
    found = [
        f"{path.name} is out of date"
        for path, text in wanted.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    partial = PARTIAL.read_text(encoding="utf-8")
    found.extend(
        f"{PARTIAL.name} links no stylesheet with the id {element_id}"
        for element_id in ("plotly.js-style-global", maplibre_id)
        if f'id="{element_id}"' not in partial
    )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    if args.check:
        found = problems()
        sys.stdout.write("\n".join(found or ["up to date"]) + "\n")
        return 1 if found else 0
    bundle = BUNDLE.read_text(encoding="utf-8")
    maplibre_id, maplibre_css = injected(bundle=bundle)
    STYLESHEET.write_text(stylesheet(bundle=bundle), encoding="utf-8")
    MAPLIBRE.write_text(maplibre_css, encoding="utf-8")
    sys.stdout.write(
        f"wrote {STYLESHEET.relative_to(ROOT)} and {MAPLIBRE.relative_to(ROOT)}; the partial"
        f' links them with id="plotly.js-style-global" and id="{maplibre_id}"\n'
    )
    return 1 if problems() else 0


if __name__ == "__main__":
    sys.exit(main())
