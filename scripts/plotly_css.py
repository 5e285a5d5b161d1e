"""Write the stylesheet that plotly.js inserts as a <style> element when it loads, which the
Content-Security-Policy (style-src 'self') blocks, as a static file: static/vendor/plotly.css,
plotly's own rules (modebar, hover labels, cursors). plotly skips its <style> when the page
holds an element with the id `plotly.js-style-global` and the class `no-inline-styles`;
templates/partials/plotly.html links the file with that id. The partial bundle
(scripts/vendor-js) has no map trace, so maplibre-gl's stylesheet is neither injected nor
served; a bundle that injects any other <style> is refused.

    .venv/bin/python scripts/plotly_css.py [--check]

The rules are read from Debian's Chromium: static/vendor/plotly.min.js is loaded into an
empty page without a policy, and the <style> element it made is written out as the browser
holds it. Run it again after replacing the bundle; `--check` exits 1 when the file or the
partial's id differ from what the bundle injects (tests/e2e/test_csp.py checks the same).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "static" / "vendor" / "plotly.min.js"
STYLESHEET = ROOT / "static" / "vendor" / "plotly.css"
PARTIAL = ROOT / "templates" / "partials" / "plotly.html"
CHROMIUM = "/usr/bin/chromium"
PLOTLY_ID = "plotly.js-style-global"
HEADER = (
    "/* The style rules plotly.js inserts into a <style> element when it loads, as a file, so"
    " that the\n   Content-Security-Policy needs no inline style. Written by"
    " scripts/plotly_css.py from\n   static/vendor/plotly.min.js. */\n"
)

INJECTED = """() => [...document.head.querySelectorAll("style")].map((style) => ({
  id: style.id,
  rules: [...style.sheet.cssRules].map((rule) => rule.cssText),
}))"""


def injected_styles(*, page: Page) -> dict[str, str]:
    """The stylesheets the bundle injects into a page without a policy: element id to text."""
    page.set_content("<!doctype html><html><head></head><body></body></html>")
    page.add_script_tag(content=BUNDLE.read_text(encoding="utf-8"))
    styles = {style["id"]: style["rules"] for style in page.evaluate(INJECTED)}
    plotly = styles.pop(PLOTLY_ID)
    if styles:
        raise ValueError(f"plotly.js injected {sorted(styles)} beside its own; expected none")
    return {PLOTLY_ID: HEADER + "".join(f"{rule}\n" for rule in plotly)}


def problems(*, styles: dict[str, str]) -> list[str]:
    """What differs between the files and the partial and what the bundle injects."""
    found = []
    if not STYLESHEET.exists() or STYLESHEET.read_text(encoding="utf-8") != styles[PLOTLY_ID]:
        found.append(f"{STYLESHEET.name} differs from what plotly.min.js injects")
    partial = PARTIAL.read_text(encoding="utf-8")
    if f'id="{PLOTLY_ID}"' not in partial:
        found.append(f"{PARTIAL.name} links no stylesheet with the id {PLOTLY_ID}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        styles = injected_styles(page=browser.new_page())
        browser.close()
    if not args.check:
        STYLESHEET.write_text(styles[PLOTLY_ID], encoding="utf-8")
        sys.stdout.write(
            f'wrote {STYLESHEET.relative_to(ROOT)}; the partial links it with id="{PLOTLY_ID}"\n'
        )
    found = problems(styles=styles)
    sys.stdout.write("\n".join(found or ["up to date"]) + "\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
