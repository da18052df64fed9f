"""Screenshots of the pages for the README, taken by the browser tests as they walk each role's flow.
They are written only when `OVERDRACHT_SCREENSHOTS` names a folder (`make screenshots` sets it to
docs/screenshots), so an ordinary test run leaves the tree as it was."""

import os
from pathlib import Path

from playwright.async_api import Page

WIDTH, HEIGHT = 1280, 900


async def screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("OVERDRACHT_SCREENSHOTS")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)  # noqa: ASYNC240 (once, a few bytes; the test's loop does not mind)
    size = page.viewport_size
    await page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    await page.evaluate("document.fonts.ready.then(() => true)")  # the NL Design System's font, not a fallback
    await page.screenshot(path=Path(folder) / f"{name}.png", full_page=False)
    if size:
        await page.set_viewport_size(size)
