"""Issue 15, points 2–4: a target list checked row by row, matched to the persons the service
knows (NIR with spaces, Corsica's 2A/2B; homonyms proposed, never merged), each exclusion with
its reason, and a priority that is a sum of named contributions, reordered when the cadre
changes the weights; the `cibles` command gives DESIGN §5's JSON."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from stdnum.fr import nir as stdnum_nir

from parcours.campagnes import analyse
from parcours.campagnes.enums import EtatCible, Exclusion, SuiviCible
from parcours.campagnes.models import Campagne, Cible
from parcours.dossiers.enums import Complementaire
from parcours.messagerie.models import Opposition
from parcours.observatoire.enums import StatutCalcul
from parcours.observatoire.models import CalculObservatoire
from parcours.territoire.models import Commune
from tests.dossiers.factories import AccompagnementFactory, AssureFactory
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    LieuAccueilFactory,
    PseudoCantonFactory,
    RegionFactory,
)
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

ENTETE = "nir;nom;prenom;date_naissance;commune;telephone;email;date_debut_arret;motif"


def nir(base13: str) -> str:
    """A valid NIR from its 13 characters (Corsica's 2A/2B as stdnum counts them)."""
    return base13 + stdnum_nir.calc_check_digits(base13)


@pytest.fixture
def monde():
    p = creer_personas()
    montauban = CommuneFactory()  # 82121, pseudo-canton 8299, in the organisme's territory
    pc_loin = PseudoCantonFactory(code="8201", nom="Caussade", departement=montauban.departement)
    loin = CommuneFactory(code="82037", nom="Caussade", departement=montauban.departement)
    # Placed 60 km from Montauban's place whatever the geography loaded (about 77 minutes).
    Commune.objects.filter(code="82037").update(
        latitude=44.45, longitude=1.80, pseudo_canton=pc_loin
    )
    ailleurs = CommuneFactory(
        code="31555",
        nom="Toulouse",
        latitude=43.60,
        longitude=1.44,
        departement=DepartementFactory(code="31", nom="Haute-Garonne", region=RegionFactory()),
        pseudo_canton=None,
    )
    LieuAccueilFactory(code="LA-MTB", unite=p.unite, commune=montauban)
    campagne = Campagne.objects.create(organisme=p.organisme, code="ARRETS-2026", nom="Arrêts")
    return {
        "p": p,
        "montauban": montauban,
        "loin": loin,
        "ailleurs": ailleurs,
        "campagne": campagne,
    }


def _lignes(*lignes: str) -> list[tuple[int, dict]]:
    colonnes = ENTETE.split(";")
    return [
        (i + 2, dict(zip(colonnes, ligne.split(";"), strict=True)))
        for i, ligne in enumerate(lignes)
    ]


def _ligne(nir_, nom="Durand", prenom="Paul", naissance="1984-12-01", commune="82121", **autres):
    valeurs = {
        "telephone": "06 12 34 56 78",
        "email": "",
        "date_debut_arret": "",
        "motif": "ARRET_90J",
        **autres,
    }
    return ";".join(
        [
            nir_,
            nom,
            prenom,
            naissance,
            commune,
            valeurs["telephone"],
            valeurs["email"],
            valeurs["date_debut_arret"],
            valeurs["motif"],
        ]
    )


def test_matching_by_nir_with_spaces_and_corsica_homonyms_proposed_not_merged(monde):
    connu = AssureFactory(nir=nir("1841282121001"), nom="Durand", prenom="Paul")
    corse = AssureFactory(nir=nir("185122A004001"), nom="Santoni", prenom="Ange")
    homonyme = AssureFactory(
        nir=nir("1841282121999"), nom="Martin", prenom="Léa", date_naissance=date(1990, 5, 4)
    )
    avec_espaces = " ".join([connu.nir[:1], connu.nir[1:3], connu.nir[3:5], connu.nir[5:]])
    cibles = analyse.analyser(
        monde["campagne"],
        _lignes(
            _ligne(avec_espaces),
            _ligne(f"1 85 12 2A 004 001 {corse.nir[13:]}", nom="Santoni", prenom="Ange"),
            # Another NIR, same name and birth date as a known person: proposed, not merged.
            _ligne(nir("2900582121555"), nom="MARTIN", prenom="Léa", naissance="04/05/1990"),
        ),
    )
    assert [c.etat for c in cibles] == [EtatCible.RETENUE] * 3
    assert (cibles[0].assure_id, cibles[0].nir) == (connu.pk, connu.nir)
    assert cibles[1].assure_id == corse.pk
    assert cibles[2].assure_id is None and cibles[2].homonymes == [homonyme.pk]


def test_every_error_is_listed_with_its_column_and_nothing_is_lost(monde):
    cibles = analyse.analyser(
        monde["campagne"],
        _lignes(
            _ligne("1 84 12 82 121 001 00"),  # wrong key
            _ligne(nir("1841282121002"), naissance="31/02/1984", commune="99999"),
            _ligne(nir("1841282121003"), telephone="12", motif="VACANCES", nom=""),
        ),
    )
    assert [c.etat for c in cibles] == [EtatCible.ERREUR] * 3
    assert [e["colonne"] for e in cibles[0].erreurs] == ["nir"]
    assert "clé de contrôle" in cibles[0].erreurs[0]["motif"]
    assert [e["colonne"] for e in cibles[1].erreurs] == ["date_naissance", "commune"]
    assert {e["colonne"] for e in cibles[2].erreurs} == {"nom", "telephone", "motif"}
    # What was typed is kept, to be corrected on screen.
    assert cibles[1].date_naissance == "31/02/1984" and cibles[1].commune == "99999"


def test_each_exclusion_reason(monde):
    p = monde["p"]
    accompagne = AssureFactory(nir=nir("1841282121011"))
    AccompagnementFactory(assure=accompagne, referent=p.alice)
    clos = AssureFactory(nir=nir("1841282121012"))
    AccompagnementFactory(
        assure=clos,
        referent=p.alice,
        date_debut=date(2024, 9, 2),
        date_fin=date(2025, 1, 31),
        issue="AUTRE",
    )
    contacte = AssureFactory(nir=nir("1841282121013"))
    autre = Campagne.objects.create(organisme=p.organisme, code="AVANT", nom="Avant")
    Cible.objects.create(
        campagne=autre,
        ligne=2,
        etat=EtatCible.RETENUE,
        assure=contacte,
        premier_contact_le=timezone.now() - timedelta(days=30),
    )
    contacte_il_y_a_longtemps = AssureFactory(nir=nir("1841282121014"))
    Cible.objects.create(
        campagne=autre,
        ligne=3,
        etat=EtatCible.RETENUE,
        assure=contacte_il_y_a_longtemps,
        premier_contact_le=timezone.now() - timedelta(days=400),
    )
    refuse = AssureFactory(nir=nir("1841282121015"), refus_campagnes=True)
    oppose = AssureFactory(nir=nir("1841282121016"))
    Opposition.objects.create(personne_id=oppose.pk)
    decede = AssureFactory(nir=nir("1841282121017"), date_deces=date(2026, 1, 5))
    cibles = analyse.analyser(
        monde["campagne"],
        _lignes(
            _ligne(accompagne.nir),
            _ligne(clos.nir),
            _ligne(contacte.nir),
            _ligne(contacte_il_y_a_longtemps.nir),
            _ligne(refuse.nir),
            _ligne(oppose.nir),
            _ligne(nir("1841282121018"), commune="31555"),
            _ligne(decede.nir),
            _ligne(clos.nir),  # the same NIR again: the first is kept
        ),
    )
    assert [(c.etat, c.exclusion) for c in cibles] == [
        (EtatCible.EXCLUE, Exclusion.ACCOMPAGNEMENT_ACTIF),
        (EtatCible.RETENUE, ""),
        (EtatCible.EXCLUE, Exclusion.CONTACTE_RECEMMENT),
        (EtatCible.RETENUE, ""),
        (EtatCible.EXCLUE, Exclusion.OPPOSITION),
        (EtatCible.EXCLUE, Exclusion.OPPOSITION),
        (EtatCible.EXCLUE, Exclusion.HORS_TERRITOIRE),
        (EtatCible.EXCLUE, Exclusion.DECEDE),
        (EtatCible.EXCLUE, Exclusion.DOUBLON),
    ]
    assert cibles[2].exclusion_detail == "dans les 6 derniers mois"


def test_the_priority_is_a_sum_of_named_contributions_reordered_by_new_weights(monde):
    campagne = monde["campagne"]
    CalculObservatoire.objects.create(
        organisme=campagne.organisme,
        statut=StatutCalcul.PRET,
        resultats={
            "fragilite": {"territoires": {"8201": {"composite": 4}, "8299": {"composite": 1}}}
        },
    )
    il_y_a_200_jours = (timezone.localdate() - timedelta(days=200)).isoformat()
    sans_mutuelle = AssureFactory(nir=nir("1841282121021"), complementaire=Complementaire.NON)
    lignes = _lignes(
        # Line 2: long sick leave only → 3.
        _ligne(nir("1841282121020"), date_debut_arret=il_y_a_200_jours),
        # Line 3: fragile canton, far from a place → 2 + 1.
        _ligne(nir("1841282121022"), commune="82037"),
        # Line 4: known without complementary health insurance → 1.
        _ligne(sans_mutuelle.nir),
        # Line 5: nothing → 0.
        _ligne(nir("1841282121023")),
    )
    cibles = analyse.analyser(campagne, lignes)
    parts = {c.ligne: c.contributions for c in cibles}
    assert [code for code, _ in parts[2]] == ["arret_180"]
    assert "arrêt de plus de 180 jours (depuis le" in parts[2][0][1]
    assert [code for code, _ in parts[3]] == ["canton_fragile", "loin"]
    assert parts[3][0][1] == "canton fragile (4 critères sur 5, observatoire)"
    assert "à plus de 30 minutes" in parts[3][1][1]
    assert parts[4] == [["sans_complementaire", "sans complémentaire santé"]]
    assert [c.score for c in cibles] == [3, 3, 1, 0]
    analyse.remplacer(campagne, cibles)
    nirs = [c.nir for c in cibles]
    # Ties keep the file's order.
    assert analyse.ordre(campagne) == [nirs[0], nirs[1], nirs[2], nirs[3]]
    # The cadre weighs the fragile canton more, the long leave less: the order follows.
    poids = {"arret_180": 1, "canton_fragile": 5, "loin": 1, "sans_complementaire": 1}
    assert analyse.reponderer(campagne, poids) == 2
    assert analyse.ordre(campagne) == [nirs[1], nirs[0], nirs[2], nirs[3]]
    assert Cible.objects.get(ligne=3).score == 6


def test_the_command_gives_the_json_of_design_and_keeps_the_list(monde, tmp_path):
    accompagne = AssureFactory(nir=nir("1841282121031"))
    AccompagnementFactory(assure=accompagne, referent=monde["p"].alice)
    fichier = tmp_path / "cibles.csv"
    fichier.write_text(
        "\n".join(
            [
                ENTETE,
                _ligne(nir("1841282121030"), date_debut_arret="2020-01-01"),
                _ligne(accompagne.nir),
                _ligne("123"),
                _ligne(nir("1841282121032")),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    sortie = StringIO()
    call_command(
        "cibles",
        "--organisme",
        "CARSAT-TEST",
        "--campagne",
        "NOUVELLE",
        str(fichier),
        "--format",
        "json",
        stdout=sortie,
    )
    resultat = json.loads(sortie.getvalue())
    assert resultat == {
        "campagne": "NOUVELLE",
        "lignes": 4,
        "erreurs": [
            {
                "ligne": 4,
                "colonne": "nir",
                "motif": "le NIR ne contient que des chiffres (et 2A ou 2B pour la Corse)",
            }
        ],
        "exclusions": {"ACCOMPAGNEMENT_ACTIF": 1},
        "retenues": 2,
        "ordre": [nir("1841282121030"), nir("1841282121032")],
    }
    campagne = Campagne.objects.get(code="NOUVELLE")
    assert campagne.cibles.count() == 4
    assert set(campagne.cibles.values_list("suivi", flat=True)) == {SuiviCible.A_CONTACTER}
