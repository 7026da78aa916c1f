"""Chromium timings of the big pages against the running benchmark server.

For each page: time to first screenful (the first contentful paint, when the
first rows are drawn), DOMContentLoaded and load, each the median of a few
fresh visits (no browser cache), in milliseconds from the navigation's start.
"""

import statistics
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
VISITS = 9
TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {
    first_screen_ms: paint ? paint.startTime : null,
    first_byte_ms: nav.responseStart,
    last_byte_ms: nav.responseEnd,
    interactive_ms: nav.domInteractive,
    dcl_ms: nav.domContentLoadedEventEnd,
    load_ms: nav.loadEventEnd,
    bytes: nav.transferSize,
  };
}"""


def timings(base, pages, cookie=""):
    """{name: {first_screen_ms, dcl_ms, load_ms, bytes}} for each (name, path) of ``pages``."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for name, path in pages:
                visits = [visit(browser, base, path, cookie) for _ in range(VISITS)]
                results[name] = {
                    key: round(statistics.median(v[key] for v in visits), 1)
                    for key in visits[0]
                    if all(v[key] is not None for v in visits)
                }
        finally:
            browser.close()
    return results


def visit(browser, base, path, cookie):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if cookie:
        # Secure, host-only cookies as the production ones are (__Host-): Chromium holds
        # loopback addresses trustworthy, so it sends them over plain HTTP here, to
        # htmx's requests as to the page's.
        host = urlsplit(base).hostname
        pairs = (part.strip().split("=", 1) for part in cookie.split(";") if "=" in part)
        context.add_cookies(
            [
                {"name": name, "value": value, "domain": host, "path": "/", "secure": True}
                for name, value in pairs
            ]
        )
    try:
        page = context.new_page()
        page.goto(base + path, wait_until="load")
        # Polled from here: the page's CSP refuses the eval that wait_for_function uses.
        # The first paint can come after the load event: wait for both.
        for _ in range(200):
            numbers = page.evaluate(TIMINGS)
            if numbers["load_ms"] > 0 and numbers["first_screen_ms"] is not None:
                return numbers
            page.wait_for_timeout(25)
        raise RuntimeError(f"{path}: no first paint or load event within 5 s")
    finally:
        context.close()
