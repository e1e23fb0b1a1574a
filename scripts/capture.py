"""Screenshots of a running Parcours (make demo) for the README: python scripts/capture.py"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
SORTIE = Path(__file__).resolve().parent.parent / "docs" / "captures"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    SORTIE.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = navigateur.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{BASE}/connexion/")
        page.screenshot(path=SORTIE / "connexion.png", full_page=True)
        for matricule in sys.argv[2:] or ["demo-cadre"]:
            page.goto(f"{BASE}/connexion/")
            page.fill("#id_username", matricule)
            page.fill("#id_password", "parcours-demo-2026")
            page.click("button[type=submit]")
            page.wait_for_selector("[data-testid=titre-accueil]")
            page.screenshot(path=SORTIE / f"accueil-{matricule}.png", full_page=False)
            page.click("text=Se déconnecter")
        navigateur.close()


if __name__ == "__main__":
    main()
