"""Chromium timings of the big pages against the running benchmark server.

For each page: time to first screenful (the first contentful paint, when the
first rows are drawn), DOMContentLoaded and load, each the median of a few
fresh visits (no browser cache), in milliseconds from the navigation's start.
"""

import statistics

CHROMIUM = "/usr/bin/chromium"
VISITS = 5
TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {
    first_screen_ms: paint ? paint.startTime : null,
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
        # Sent as a header: the production cookies are __Host- ones, which Chromium
        # will not take through add_cookies for a plain-HTTP loopback address.
        context.set_extra_http_headers({"Cookie": cookie})
    try:
        page = context.new_page()
        page.goto(base + path, wait_until="load")
        page.wait_for_function("performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
        return page.evaluate(TIMINGS)
    finally:
        context.close()
