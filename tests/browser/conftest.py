"""A real browser: Debian's Chromium driven by Playwright (never `playwright install`)."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def navigateur():
    # Playwright's sync API runs an event loop in this thread; the tests still use the ORM
    # from it, between browser calls, which Django allows only with this flag.
    avant = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS)
            yield chromium
            chromium.close()
    finally:
        if avant is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = avant


@pytest.fixture
def page(navigateur):
    """A page whose Content-Security-Policy violations fail the test: every page of the product
    must work without inline script or style (issue 10, point 12)."""
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = contexte.new_page()
    page.set_default_timeout(15000)
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    contexte.close()
    assert not violations, violations
