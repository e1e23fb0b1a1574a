"""Issue 12, defect 11: the administration speaks French and does the work itself — a reception
place stands at its commune's town hall unless told otherwise, with a map preview; the login
lock-outs are one French page where the administrator unlocks an account; titles read
« Ajouter un agent »; an agent's page never shows the password's hash."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from parcours.organisation.models import LieuAccueil
from parcours.territoire.models import Commune
from tests.factories import AgentFactory, LieuAccueilFactory, OrganismeFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "un-mot-de-passe-de-test"


@pytest.fixture
def p():
    return creer_personas()


def _lieu(client, p, url=None, **champs):
    donnees = {
        "code": "LA-MTB-1",
        "nom": "Permanence de Montauban",
        "adresse": "",
        "commune": "82121",
        "latitude": "",
        "longitude": "",
        "unite": p.unite.pk,
        "acces_pmr": "on",
        "horaires": "",
        "actif": "on",
    }
    donnees.update(champs)
    return client.post(url or reverse("admin:organisation_lieuaccueil_add"), donnees)


def test_a_place_without_coordinates_stands_at_its_commune_s_town_hall(client, p):
    client.force_login(p.adele)
    reponse = _lieu(client, p)
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    lieu = LieuAccueil.objects.get(code="LA-MTB-1")
    montauban = Commune.objects.get(code="82121")
    assert (lieu.latitude, lieu.longitude) == (montauban.latitude, montauban.longitude)
    # Said in French, not « L'objet lieu d'accueil … a été ajouté avec succès ».
    liste = client.get(reponse["Location"]).content.decode()
    assert "Le lieu d&#x27;accueil «" in liste and "» a été ajouté." in liste


def test_typed_coordinates_take_a_decimal_comma_and_errors_are_french(client, p):
    client.force_login(p.adele)
    assert _lieu(client, p, latitude="44,0201", longitude="1,3605").status_code == 302
    lieu = LieuAccueil.objects.get(code="LA-MTB-1")
    assert (lieu.latitude, lieu.longitude) == (44.0201, 1.3605)

    seule = _lieu(client, p, code="LA-MTB-2", latitude="44,02").content.decode()
    assert "Saisissez aussi la longitude, ou videz les deux champs" in seule
    hors_bornes = _lieu(client, p, code="LA-MTB-2", latitude="91", longitude="1").content.decode()
    assert "inférieure ou égale à 90" in hors_bornes
    illisible = _lieu(client, p, code="LA-MTB-2", latitude="nord", longitude="1").content.decode()
    assert "Saisissez un nombre." in illisible
    assert not LieuAccueil.objects.filter(code="LA-MTB-2").exists()


def test_a_place_left_at_the_town_hall_follows_its_commune(client, p):
    """Moved to another commune without touching its coordinates, a place that stood at the
    former town hall goes to the new one; a place placed by hand stays where it was put."""
    client.force_login(p.adele)
    montauban = Commune.objects.get(code="82121")
    castel = Commune.objects.get(code="82033")
    a_la_mairie = LieuAccueilFactory(unite=p.unite, commune=montauban)
    a_la_main = LieuAccueilFactory(unite=p.unite, commune=montauban, latitude=44.03, longitude=1.36)
    for lieu in (a_la_mairie, a_la_main):
        url = reverse("admin:organisation_lieuaccueil_change", args=[lieu.pk])
        reponse = _lieu(
            client,
            p,
            url=url,
            code=lieu.code,
            nom=lieu.nom,
            commune="82033",
            latitude=str(lieu.latitude).replace(".", ","),
            longitude=str(lieu.longitude).replace(".", ","),
        )
        assert reponse.status_code == 302, reponse.content.decode()[:3000]
        lieu.refresh_from_db()
    assert (a_la_mairie.latitude, a_la_mairie.longitude) == (castel.latitude, castel.longitude)
    assert (a_la_main.latitude, a_la_main.longitude) == (44.03, 1.36)


def test_the_place_page_previews_the_point_on_the_commune_s_map(client, p):
    client.force_login(p.adele)
    montauban = Commune.objects.get(code="82121")
    lieu = LieuAccueilFactory(unite=p.unite, commune=montauban)
    page = client.get(reverse("admin:organisation_lieuaccueil_change", args=[lieu.pk]))
    contenu = page.content.decode()
    apercu = re.search(r'<div id="apercu-lieu".*?</figure>', contenu, re.S).group(0)
    # The commune's contour, its town hall and the place, in SVG with an accessible title.
    assert 'role="img"' in apercu and "dans la commune de Montauban" in apercu
    assert re.search(r'<path d="M[\d.]+,[\d.]+L', apercu)
    assert "<circle" in apercu and "placé à la mairie" in apercu
    # Nothing the Content-Security-Policy refuses: no inline script or style, nothing remote.
    assert "<script" not in apercu and "style=" not in apercu and "http" not in apercu[200:]
    # The script that redraws it is a file of the site.
    assert "/static/organisation/apercu_lieu.js" in contenu

    # What the page asks for while the administrator types.
    url = reverse("admin:organisation_lieuaccueil_apercu")
    ailleurs = client.get(url, {"commune": "82121", "latitude": "43,6", "longitude": "1,44"})
    assert ailleurs.status_code == 200
    texte = ailleurs.content.decode()
    assert "hors de la commune de Montauban" in texte and "km de la mairie" in texte
    dedans = client.get(url, {"commune": "82121", "latitude": "44,0201", "longitude": "1,3605"})
    assert "hors de la commune" not in dedans.content.decode()
    seule = client.get(url, {"commune": "82121", "latitude": "44,02", "longitude": ""})
    assert "Saisissez la latitude et la longitude" in seule.content.decode()
    sans_commune = client.get(url, {"commune": "", "latitude": "", "longitude": ""})
    assert "Choisissez la commune" in sans_commune.content.decode()
    # The add page shows the same invitation, before any commune is chosen.
    ajout = client.get(reverse("admin:organisation_lieuaccueil_add")).content.decode()
    assert "Choisissez la commune" in ajout
    # Only the administration's users reach it.
    client.force_login(p.chloe)
    assert client.get(url, {"commune": "82121"}).status_code == 302


def test_login_lock_outs_are_a_french_page_where_the_administrator_unlocks(client, p):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("connexion"), {"username": "alice", "password": "faux"})
    essai = {"username": "alice", "password": MOT_DE_PASSE}
    assert client.post(reverse("connexion"), essai).status_code == 429

    client.force_login(p.adele)
    accueil = client.get(reverse("admin:index")).content.decode()
    assert "Sécurité des connexions" in accueil and ">Axes<" not in accueil
    assert "Tentatives de connexion" in accueil
    # The registers of successful logins and of past failures are not shown.
    assert "Échecs de connexion" not in accueil and "/admin/axes/accesslog/" not in accueil
    liste = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "alice" in liste and "bloqué jusqu&#x27;à" in liste
    assert "Débloquer" in liste and "Sélectionnez l" not in liste
    for brut in ("User Agent", "POST", "Attempted Access", "Locked Out"):
        assert brut not in liste, brut

    # Another organisme's administrator does not see Montauban's matricules.
    ailleurs = AgentFactory(
        matricule="zoe", role="admin", unite=None, organisme=OrganismeFactory(code="CARSAT-2")
    )
    client.force_login(ailleurs)
    assert (
        "alice" not in client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    )

    client.force_login(p.adele)
    reponse = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "debloquer",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )
    assert "1 blocage(s) levé(s)" in reponse.content.decode()
    client.logout()
    assert client.post(reverse("connexion"), essai).status_code == 302


def test_titles_and_buttons_are_written_in_french(client, p):
    client.force_login(p.adele)
    ajout_agent = client.get(reverse("admin:organisation_agent_add")).content.decode()
    assert "Ajouter un agent" in ajout_agent
    assert "Ajout de agent" not in ajout_agent and "Ajouter agent" not in ajout_agent
    assert "pourrez modifiez" not in ajout_agent
    ajout_unite = client.get(reverse("admin:organisation_unite_add")).content.decode()
    assert "<h1>Ajouter une unité</h1>" in ajout_unite
    liste = client.get(reverse("admin:organisation_lieuaccueil_changelist")).content.decode()
    assert "<h1>Lieux d&#x27;accueil</h1>" in liste and "Ajouter un lieu d&#x27;accueil" in liste
    assert "Sélectionnez l" not in liste
    assert "Par ouverture" in liste and "Par ouvert<" not in liste and "accès PMR" in liste
    fiche = client.get(reverse("admin:organisation_agent_change", args=[p.chloe.pk]))
    assert "<h1>Modifier l&#x27;agent</h1>" in fiche.content.decode()
    journal = client.get(reverse("admin:organisation_evenementcompte_changelist"))
    assert "<h1>Journal des comptes</h1>" in journal.content.decode()


def test_an_agent_s_page_never_shows_the_password_hash(client, p, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    p.chloe.set_password("Un mot de passe bien à moi 42")
    p.chloe.save()
    en_attente = AgentFactory(matricule="nouvelle", role="ass", unite=p.unite)
    en_attente.set_unusable_password()
    en_attente.save()
    client.force_login(p.adele)
    pages = [
        reverse("admin:organisation_agent_change", args=[p.chloe.pk]),
        reverse("admin:organisation_agent_history", args=[p.chloe.pk]),
        reverse("admin:organisation_agent_changelist"),
    ]
    for url in pages:
        contenu = client.get(url).content.decode()
        assert "argon2" not in contenu.lower(), url
        for morceau in p.chloe.password.split("$")[2:]:
            assert morceau not in contenu, url
        for mot in ("algorithme", "sel :", "hachage", "empreinte"):
            assert mot not in contenu.lower(), (url, mot)
    fiche = client.get(pages[0]).content.decode()
    assert "choisi par l&#x27;agent, qui seul le connaît" in fiche
    assert "Mot de passe oublié ?" in fiche
    fiche = client.get(
        reverse("admin:organisation_agent_change", args=[en_attente.pk])
    ).content.decode()
    assert "en attente d&#x27;activation" in fiche
