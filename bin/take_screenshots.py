"""Photograph the main pages of a running tracker at desktop and phone width.

Usage: take_screenshots.py BASE_URL OUT_DIR (bin/screenshots starts the server on the seed).
Viewport-height shots, not full pages, so that the files stay small.
"""

import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
PAGES = {
    "overview": "/",
    "plan": "/plans/us-28-point-plan/",
    "point": "/plans/us-28-point-plan/points/21/",
    "matrix": "/matrix/",
    "compare": "/compare/?a=us-28-point-plan&b=geneva-framework&changed=on",
    "timeline": "/timeline/",
    "party": "/parties/russia/",
    "events": "/events/",
    "changes": "/changes/",
}


def wait_for(base_url, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def main(base_url, out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    wait_for(base_url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for label, (width, height) in WIDTHS.items():
            context = browser.new_context(
                base_url=base_url, viewport={"width": width, "height": height}
            )
            page = context.new_page()
            for name, url in PAGES.items():
                page.goto(url, wait_until="networkidle")
                path = out / f"{name}-{label}.png"
                page.screenshot(path=str(path))
                print(path)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
