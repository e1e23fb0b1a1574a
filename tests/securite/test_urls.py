"""Every URL of the project, found by walking the URL resolver, under every identity an attacker
could hold: each answer must be the one the permission matrix below says. A URL that is not in
the matrix fails the test, so a new page cannot go out without its line. POST-only views answer
405 to a GET.

Statuses: 200 allowed; 302 a redirection (to the login page for the anonymous); 403 refused;
404 unknown — what an outsider gets for a record of another unit or organisme, never a hint
that it exists; 405 wrong method.
"""

import pytest
from django.contrib.admin.sites import site
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.securite.monde import IDENTITES, creer_monde

pytestmark = pytest.mark.django_db


def ligne(texte: str) -> dict[str, int]:
    """« 200 200 200 403 403 403 200 200 200 403 302 » in the order of IDENTITES."""
    codes = [int(c) for c in texte.split()]
    assert len(codes) == len(IDENTITES), texte
    return dict(zip(IDENTITES, codes, strict=True))


POST_SEULEMENT = ligne("405 405 405 405 405 405 405 405 405 405 302")
#                  ass csam cadre pilot part admin ass2 cadre2 pilot2 part2 anonyme
MATRICE = {
    "accueil": ligne("200 200 200 200 200 200 200 200 200 200 302"),
    "connexion": ligne("302 302 302 302 302 302 302 302 302 302 200"),
    "deconnexion": POST_SEULEMENT,
    "lieux_accueil": ligne("200 200 200 200 403 200 200 200 200 403 302"),
    "equipe": ligne("403 403 200 403 403 403 403 200 403 403 302"),
    # An activation link with a wrong token: the page says the link is invalid, to anyone.
    "activation": ligne("200 200 200 200 200 200 200 200 200 200 200"),
    # « Mot de passe oublié ? »: the request and its answer, the same to anyone.
    "mot_de_passe_oublie": ligne("200 200 200 200 200 200 200 200 200 200 200"),
    "mot_de_passe_oublie_envoye": ligne("200 200 200 200 200 200 200 200 200 200 200"),
    "journal_comptes": ligne("403 403 200 403 403 403 403 200 403 403 302"),
    # Messages are kept as files only without SMTP (not in tests: 404 for the administrator).
    "courriels": ligne("403 403 403 403 403 404 403 403 403 403 302"),
    # The receipts of the messages sent: the units' managers and the administrators.
    "envois": ligne("403 403 200 403 403 200 403 200 403 403 302"),
    # The link at the bottom of a message to a person: no account needed; its signed token
    # names the dossier, the page tells nothing of it.
    "messagerie:opposition": ligne("200 200 200 200 200 200 200 200 200 200 200"),
    # The SMS provider's delivery reports: POST only, with its token.
    "messagerie:accuse_sms": ligne("405 405 405 405 405 405 405 405 405 405 405"),
    "imports:televerser": ligne("403 403 200 200 403 200 403 200 200 403 302"),
    # The fragility template: for those who import that kind; unknown to a unit manager, who
    # imports other kinds; refused, as the upload page, to those who import nothing.
    "imports:modele": ligne("403 403 404 200 403 200 403 404 200 403 302"),
    # An import of Chloé's: hers only.
    "imports:suivi": ligne("404 404 200 404 404 404 404 404 404 404 302"),
    "imports:progression": ligne("404 404 200 404 404 404 404 404 404 404 302"),
    "dossiers:recherche": ligne("200 200 200 403 403 403 200 200 403 403 302"),
    "dossiers:signalements": ligne("200 200 200 403 200 403 200 200 403 200 302"),
    "dossiers:signalement_nouveau": ligne("200 200 200 403 200 403 200 200 403 200 302"),
    # Montauban's records, a signalement sent by Pierre.
    "dossiers:signalement": ligne("200 200 200 404 200 404 404 404 404 404 302"),
    "dossiers:dossier": ligne("200 200 200 404 404 404 404 404 404 404 302"),
    "dossiers:assure_modifier": ligne("200 200 200 404 404 404 404 404 404 404 302"),
    "dossiers:historique": ligne("403 403 200 403 403 403 403 404 403 403 302"),
    "dossiers:entretien_rapide": POST_SEULEMENT,
    "dossiers:refus_messages": POST_SEULEMENT,
    # Alice's interview: she and her manager correct it; a colleague who sees the dossier may
    # not (403); nobody else learns it exists.
    "dossiers:entretien_corriger": ligne("200 403 200 404 404 404 404 404 404 404 302"),
    "dossiers:accompagnement_ouvrir": ligne("200 403 200 404 404 404 404 404 404 404 302"),
    "dossiers:mes_accompagnements": ligne("200 403 200 403 403 403 200 200 403 403 302"),
    "dossiers:accompagnement": ligne("200 404 200 404 404 404 404 404 404 404 302"),
    "dossiers:accompagnement_rouvrir": POST_SEULEMENT,
    "dossiers:action_basculer": POST_SEULEMENT,
    "dossiers:objectif_basculer": POST_SEULEMENT,
    "dossiers:orientation_reponse": POST_SEULEMENT,
    # Booking for the person of the dossier: those who see the dossier (their unit's).
    "rendezvous:prendre": ligne("200 200 200 403 403 403 404 404 403 403 302"),
    # The agendas: one's week (a manager: their unit's agents'), the place's day sheet (the
    # organisme's agents), the unit's occupancy (its manager). Alice's appointment of
    # yesterday is marked by those who held it; her appointment to come is cancelled by her or
    # her manager; nobody else learns they exist.
    "rendezvous:semaine": ligne("200 200 200 403 403 403 200 200 403 403 302"),
    "rendezvous:constat": ligne("200 404 403 403 403 403 404 404 403 403 302"),
    "rendezvous:annuler": ligne("200 404 200 403 403 403 404 404 403 403 302"),
    "rendezvous:feuilles": ligne("200 200 200 403 403 403 200 200 403 403 302"),
    "rendezvous:feuille": ligne("200 200 200 403 403 403 200 404 403 403 302"),
    "rendezvous:feuille_pdf": ligne("200 200 200 403 403 403 200 404 403 403 302"),
    "rendezvous:occupation": ligne("403 403 200 403 403 403 403 200 403 403 302"),
    # The links sent to a person: no account; the token is the key and names nobody.
    "rendezvous:lien": ligne("200 200 200 200 200 200 200 200 200 200 200"),
    "rendezvous:plus_tot": ligne("200 200 200 200 200 200 200 200 200 200 200"),
    "dossiers:journal": ligne("403 403 200 403 403 403 403 200 403 403 302"),
    # Public geography, for the commune fields of the forms.
    "territoire:communes": ligne("200 200 200 200 200 200 200 200 200 200 302"),
    "observatoire:page": ligne("403 403 403 200 403 403 403 403 200 403 302"),
    "observatoire:calcul": POST_SEULEMENT,
    "observatoire:progression": ligne("403 403 403 200 403 403 403 403 200 403 302"),
    # The test Carsat's computation: the other Carsat has none.
    "observatoire:couche": ligne("403 403 403 200 403 403 403 403 404 403 302"),
    "observatoire:carte": ligne("403 403 403 200 403 403 403 403 404 403 302"),
    "observatoire:json": ligne("403 403 403 200 403 403 403 403 404 403 302"),
    "statistiques:tableau_de_bord": ligne("403 403 200 200 403 403 403 200 200 403 302"),
    "statistiques:export_xlsx": ligne("403 403 200 200 403 403 403 200 200 403 302"),
    "statistiques:export_csv": ligne("403 403 200 200 403 403 403 200 200 403 302"),
    "statistiques:rapports": ligne("403 403 403 200 403 403 403 403 200 403 302"),
    "statistiques:textes_rapport": ligne("403 403 403 200 403 403 403 403 200 403 302"),
    # The test Carsat's edition.
    "statistiques:rapport": ligne("403 403 403 200 403 403 403 403 404 403 302"),
    "statistiques:rapport_fichier": ligne("403 403 403 200 403 403 403 403 404 403 302"),
    "statistiques:rapport_csv": ligne("403 403 403 200 403 403 403 403 404 403 302"),
    # The campaigns, for their organisme's cadre (issue 15): the list, a campaign of the test
    # Carsat and a row of its list in preparation; unknown to the other Carsat's cadre.
    "campagnes:liste": ligne("403 403 200 403 403 403 403 200 403 403 302"),
    "campagnes:nouvelle": ligne("403 403 200 403 403 403 403 200 403 403 302"),
    "campagnes:campagne": ligne("403 403 200 403 403 403 403 404 403 403 302"),
    "campagnes:modifier": ligne("403 403 200 403 403 403 403 404 403 403 302"),
    "campagnes:progression": ligne("403 403 200 403 403 403 403 404 403 403 302"),
    "campagnes:poids": POST_SEULEMENT,
    "campagnes:valider": POST_SEULEMENT,
    "campagnes:cible_corriger": ligne("403 403 200 403 403 403 403 404 403 403 302"),
    "campagnes:cible_exclure": ligne("403 403 200 403 403 403 403 404 403 403 302"),
    "campagnes:cible_homonyme": ligne("403 403 200 403 403 403 403 404 403 403 302"),
    # The work list of the ass and csam (another unit's: its own, empty here), a row of
    # Montauban's unassigned to anyone (its cadre sees it, calls nobody), a validated
    # campaign's letters (its cadre).
    "campagnes:a_contacter": ligne("200 200 403 403 403 403 200 403 403 403 302"),
    "campagnes:cible": ligne("200 200 200 403 403 403 404 404 403 403 302"),
    "campagnes:courriers": ligne("403 403 200 403 403 403 403 404 403 403 302"),
}


def urls_du_projet(resolveur=None, espace=None):
    """(name, pattern) of every URL, from the resolver; the admin site apart."""
    resolveur = resolveur or get_resolver()
    for motif in resolveur.url_patterns:
        if isinstance(motif, URLResolver):
            if motif.namespace == "admin":
                continue
            yield from urls_du_projet(motif, motif.namespace or espace)
        elif isinstance(motif, URLPattern) and motif.name:
            yield (f"{espace}:{motif.name}" if espace else motif.name), motif


def test_every_url_is_in_the_matrix():
    noms = {nom for nom, _ in urls_du_projet()}
    assert noms == set(MATRICE), (
        f"absentes de la matrice : {sorted(noms - set(MATRICE))} ; "
        f"en trop : {sorted(set(MATRICE) - noms)}"
    )


def test_every_url_answers_each_identity_as_the_matrix_says(client):
    monde = creer_monde()
    ecarts = []
    for nom, _ in urls_du_projet():
        url = reverse(nom, args=monde.arguments.get(nom, []))
        for identite, attendu in MATRICE[nom].items():
            agent = monde.identites[identite]
            client.logout()
            if agent is not None:
                client.force_login(agent)
            statut = client.get(url).status_code
            if statut != attendu:
                ecarts.append(f"{nom} × {identite} : {statut} au lieu de {attendu}")
    assert not ecarts, "\n".join(ecarts)


def test_the_admin_site_is_the_administrators_only(client):
    """Every page of the administration without argument: a redirection to its login for
    anyone but the administrator, who gets it or a refusal (no server error)."""
    monde = creer_monde(observatoire_calcule=False)
    urls = [reverse("admin:index")]
    for modele in site._registry:
        meta = modele._meta
        for vue in ("changelist", "add"):
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{vue}"))
    for identite, agent in monde.identites.items():
        client.logout()
        if agent is not None:
            client.force_login(agent)
        for url in urls:
            statut = client.get(url).status_code
            if identite == "admin":
                assert statut in (200, 403), (url, statut)
            else:
                assert statut == 302, (identite, url, statut)
