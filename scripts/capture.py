"""Screenshots of a running Parcours (make demo) for the README: python scripts/capture.py"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
from tests.browser.conftest import ARGUMENTS, CHROMIUM  # noqa: E402  (same browser as the tests)

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
SORTIE = RACINE / "docs" / "captures"


def main() -> None:
    SORTIE.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS)
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
            if matricule in ("demo-pilotage", "demo-cadre"):
                page.goto(f"{BASE}/statistiques/")
                page.wait_for_selector("[data-testid=chiffres-cles]")
                page.screenshot(path=SORTIE / f"statistiques-{matricule}.png", full_page=False)
            if matricule == "demo-pilotage":
                page.goto(f"{BASE}/territoire/observatoire/?nombre=3&seuil=3&minutes=15")
                page.wait_for_selector("#carte[data-couche=fragilite]")
                page.locator("#carte").scroll_into_view_if_needed()
                page.screenshot(path=SORTIE / "observatoire-demo-pilotage.png", full_page=False)
                page.click("label[for=carte-accessibilite]")
                page.wait_for_selector("#carte[data-couche=accessibilite]")
                page.screenshot(path=SORTIE / "observatoire-accessibilite.png", full_page=False)
            page.click("text=Se déconnecter")
        navigateur.close()


if __name__ == "__main__":
    main()
