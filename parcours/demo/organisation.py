"""A credible synthetic Carsat on real geography, for `make demo` and for trying the product.

The organisme, its units, reception places and agents are generated: names of people are drawn
from lists of common French first names and surnames, and the organisme is flagged
`demonstration`, so every screen says « données de démonstration ». The geography is real: the
eight départements of Midi-Pyrénées, their communes and populations from the official referential.
Generation is deterministic (a fixed seed) and idempotent: running it again updates in place.
"""

import math
import random
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from parcours.organisation.enums import CategoriePartenaire, Role
from parcours.organisation.models import (
    Agent,
    LieuAccueil,
    Organisme,
    Partenaire,
    Secteur,
    Unite,
)
from parcours.territoire.models import Commune, Departement, Region

CODE_ORGANISME = "CARSAT-MP"
NOM_ORGANISME = "Carsat Midi-Pyrénées (démonstration)"
REGION = "76"
NOMBRE_LIEUX = 128
MOT_DE_PASSE_DEMO = "parcours-demo-2026"
GRAINE = 1994
# Two reception places of one département stand at least this far apart (km), so that they
# spread over the territory instead of piling up in the biggest towns.
ECART_MIN_KM = 9.0

# (département, code of the unit, name, INSEE code of its seat)
UNITES = [
    ("09", "MP-09-FOIX", "Foix", "09122"),
    ("09", "MP-09-PAMIERS", "Pamiers", "09225"),
    ("12", "MP-12-RODEZ", "Rodez", "12202"),
    ("12", "MP-12-MILLAU", "Millau", "12145"),
    ("12", "MP-12-VILLEFRANCHE", "Villefranche-de-Rouergue", "12300"),
    ("31", "MP-31-TOULOUSE-NORD", "Toulouse Nord", "31555"),
    ("31", "MP-31-TOULOUSE-SUD", "Toulouse Sud", "31555"),
    ("31", "MP-31-MURET", "Muret", "31395"),
    ("31", "MP-31-SAINT-GAUDENS", "Saint-Gaudens", "31483"),
    ("32", "MP-32-AUCH", "Auch", "32013"),
    ("32", "MP-32-CONDOM", "Condom", "32107"),
    ("46", "MP-46-CAHORS", "Cahors", "46042"),
    ("46", "MP-46-FIGEAC", "Figeac", "46102"),
    ("65", "MP-65-TARBES", "Tarbes", "65440"),
    ("65", "MP-65-LOURDES", "Lourdes", "65286"),
    ("81", "MP-81-ALBI", "Albi", "81004"),
    ("81", "MP-81-CASTRES", "Castres", "81065"),
    ("82", "MP-82-MONTAUBAN", "Montauban", "82121"),
    ("82", "MP-82-CASTELSARRASIN", "Castelsarrasin", "82033"),
]

PRENOMS = (
    "Camille Nathalie Sophie Isabelle Claire Julie Céline Aurélie Émilie Sandrine Valérie Laure "
    "Marie Anne Hélène Élodie Karine Delphine Caroline Stéphanie Léa Manon Chloé Inès Sarah Nadia "
    "Fatima Samia Thomas Nicolas Julien Pierre Mathieu Antoine Karim Olivier Sébastien Laurent"
).split()
NOMS = (
    "Martin Bernard Dubois Durand Lefebvre Moreau Laurent Simon Michel Garcia Fournier Roux "
    "Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Faure André Mercier Blanc "
    "Guérin Boyer Garnier Chevalier Lopez Gautier Perrin Robin Clément Morin Nicolas Henry "
    "Roussel Mathieu Gaillard Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux "
    "Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Rey Cazals Puech Soulié Vialaret"
).split()
STRUCTURES_LIEU = (
    "Agence de l'Assurance Maladie",
    "Maison France services",
    "Centre communal d'action sociale",
    "Maison des solidarités",
    "Permanence en mairie",
    "Centre hospitalier",
)
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")


@dataclass(frozen=True)
class CompteDemo:
    matricule: str
    role: str
    description: str


COMPTES_DEMO = [
    CompteDemo("demo-ass", Role.ASS, "assistante sociale, unité de Montauban"),
    CompteDemo("demo-csam", Role.CSAM, "conseiller du 36 46, unité de Montauban"),
    CompteDemo("demo-cadre", Role.CADRE, "cadre de l'unité de Montauban"),
    CompteDemo("demo-pilotage", Role.PILOTAGE, "direction régionale, statistiques"),
    CompteDemo("demo-partenaire", Role.PARTENAIRE, "CPAM de Tarn-et-Garonne, MisaS"),
    CompteDemo("demo-admin", Role.ADMIN, "administrateur fonctionnel"),
]


def _distances_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """Great-circle distances (haversine) from one point to many, in km."""
    phi, phi0 = np.radians(lat), math.radians(lat0)
    dphi, dlmb = phi - phi0, np.radians(lon - lon0)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi) * math.cos(phi0) * np.sin(dlmb / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))


def _repartir(total: int, poids: dict[str, float], minimum: int) -> dict[str, int]:
    """Split `total` between keys: `minimum` each, the rest in proportion (largest remainders)."""
    reste = total - minimum * len(poids)
    somme = sum(poids.values())
    parts = {k: minimum + reste * p / somme for k, p in poids.items()}
    entiers = {k: int(v) for k, v in parts.items()}
    manque = total - sum(entiers.values())
    for k in sorted(parts, key=lambda k: parts[k] - entiers[k], reverse=True)[:manque]:
        entiers[k] += 1
    return entiers


def _horaires(alea: random.Random) -> str:
    jours = sorted(alea.sample(range(5), alea.choice((1, 1, 2, 3))))
    lignes = []
    for j in jours:
        if alea.random() < 0.6:
            lignes.append(f"{JOURS[j].capitalize()} 9 h – 12 h")
        else:
            lignes.append(f"{JOURS[j].capitalize()} 13 h 30 – 17 h")
    return "\n".join(lignes) + "\nSur rendez-vous au 36 46"


def _a_jour(modele, *, defaults: dict, **cles):
    """`update_or_create` that saves only what changed: a second run of the demo adds no
    version to the change history."""
    objet, cree = modele.objects.get_or_create(defaults=defaults, **cles)
    if not cree:
        changes = [champ for champ, valeur in defaults.items() if getattr(objet, champ) != valeur]
        for champ in changes:
            setattr(objet, champ, defaults[champ])
        if changes:
            objet.save(update_fields=changes)
    return objet, cree


@transaction.atomic
def generer_demo() -> Organisme:
    """Create or refresh the demo Carsat; the geography of région 76 must be loaded."""
    alea = random.Random(GRAINE)
    region = Region.objects.get(code=REGION)
    organisme, _ = _a_jour(
        Organisme,
        code=CODE_ORGANISME,
        defaults={"nom": NOM_ORGANISME, "region": region, "demonstration": True},
    )
    departements = sorted({d for d, *_ in UNITES})
    communes = list(
        Commune.objects.communes()
        .filter(departement_id__in=departements)
        .values_list("code", "nom", "departement_id", "population", "latitude", "longitude")
        .order_by("code")
    )
    if not communes:
        raise ValueError(
            "la géographie de la région 76 n'est pas chargée : "
            "lancez d'abord python manage.py charger_geographie"
        )
    codes = np.array([c[0] for c in communes])
    deps = np.array([c[2] for c in communes])
    pops = np.array([c[3] or 0 for c in communes], dtype=float)
    lats = np.array([c[4] for c in communes])
    lons = np.array([c[5] for c in communes])
    index = {c[0]: i for i, c in enumerate(communes)}

    unites: dict[str, Unite] = {}
    for departement, code, nom, _siege in UNITES:
        unites[code], _ = _a_jour(
            Unite,
            code=code,
            defaults={"nom": nom, "organisme": organisme, "departement_id": departement},
        )

    # Which unit covers which commune: the nearest seat of the département.
    unite_de_commune = np.empty(len(communes), dtype=object)
    for departement in departements:
        dans = np.flatnonzero(deps == departement)
        sieges = [(code, index[siege]) for d, code, _, siege in UNITES if d == departement]
        distances = np.stack(
            [_distances_km(lats[dans], lons[dans], lats[i], lons[i]) for _, i in sieges]
        )
        if len(sieges) > 1 and sieges[0][1] == sieges[1][1]:
            # Two units in one city (Toulouse): split the city's surroundings north / south.
            nord = lats[dans] >= lats[sieges[0][1]]
            distances[0][~nord] += 1e-3
            distances[1][nord] += 1e-3
        choix = np.argmin(distances, axis=0)
        for k, i in zip(choix, dans, strict=True):
            unite_de_commune[i] = sieges[k][0]

    # Reception places: spread over each département, weighted by population.
    poids = {d: float(pops[deps == d].sum()) for d in departements}
    quotas = _repartir(NOMBRE_LIEUX, poids, minimum=8)
    codes_lieux = []
    for departement in departements:
        dans = np.flatnonzero(deps == departement)
        ordre = dans[np.argsort(-pops[dans], kind="stable")]
        choisis: list[int] = [index[s] for d, _, _, s in UNITES if d == departement]
        choisis = list(dict.fromkeys(choisis))
        for i in ordre:
            if len(choisis) >= quotas[departement]:
                break
            if i in choisis:
                continue
            proches = _distances_km(lats[choisis], lons[choisis], lats[i], lons[i])
            if proches.min() >= ECART_MIN_KM:
                choisis.append(i)
        sieges = {s for d, _, _, s in UNITES if d == departement}
        for i in choisis:
            code_commune = str(codes[i])
            structure = (
                STRUCTURES_LIEU[0] if code_commune in sieges else alea.choice(STRUCTURES_LIEU)
            )
            code_lieu = f"LA-{code_commune}"
            _a_jour(
                LieuAccueil,
                code=code_lieu,
                defaults={
                    "nom": f"{structure} — {communes[i][1]}",
                    "adresse": f"{alea.randint(1, 40)} place de la République\n{communes[i][1]}",
                    "commune_id": code_commune,
                    "latitude": float(lats[i]),
                    "longitude": float(lons[i]),
                    "unite": unites[unite_de_commune[i]],
                    "acces_pmr": alea.random() < 0.85,
                    "horaires": _horaires(alea),
                    "actif": True,
                },
            )
            codes_lieux.append(code_lieu)
    LieuAccueil.objects.filter(unite__organisme=organisme).exclude(code__in=codes_lieux).delete()

    # Agents of every role in every unit, and the sectors they cover.
    Secteur.objects.filter(unite__organisme=organisme).delete()
    numero = 0
    lien = Secteur.communes.through
    for _, code_unite, nom_unite, _ in UNITES:
        unite = unites[code_unite]
        dans = [i for i in range(len(communes)) if unite_de_commune[i] == code_unite]
        population = pops[dans].sum()
        nb_ass = max(3, min(9, round(population / 45000)))
        membres: list[Agent] = []
        for role, nombre in ((Role.CADRE, 1), (Role.CSAM, 2), (Role.ASS, nb_ass)):
            for _ in range(nombre):
                numero += 1
                prenom, nom = alea.choice(PRENOMS), alea.choice(NOMS)
                membres.append(_agent(f"MP{numero:05d}", prenom, nom, role, unite, organisme))
        secteur_unite = Secteur.objects.create(nom=f"Unité de {nom_unite}", unite=unite)
        lien.objects.bulk_create(
            [lien(secteur_id=secteur_unite.pk, commune_id=str(codes[i])) for i in dans]
        )
        assistants = [a for a in membres if a.role == Role.ASS]
        # Each social worker covers a block of neighbouring communes, ordered by bearing
        # around the unit's seat.
        siege = index[next(s for _, c, _, s in UNITES if c == code_unite)]
        angles = np.arctan2(lats[dans] - lats[siege], lons[dans] - lons[siege])
        ordonnees = [dans[k] for k in np.argsort(angles, kind="stable")]
        for k, agent in enumerate(assistants):
            n = len(assistants)
            bloc = ordonnees[k * len(ordonnees) // n : (k + 1) * len(ordonnees) // n]
            secteur = Secteur.objects.create(
                nom=f"Secteur de {agent.prenom} {agent.nom}", unite=unite, agent=agent
            )
            lien.objects.bulk_create(
                [lien(secteur_id=secteur.pk, commune_id=str(codes[i])) for i in bloc]
            )

    annuaire = _annuaire(organisme, departements)
    montauban = unites["MP-82-MONTAUBAN"]
    demo = {
        "demo-ass": ("Claire", "Vialaret", Role.ASS, montauban, ""),
        "demo-csam": ("Karim", "Soulié", Role.CSAM, montauban, ""),
        "demo-cadre": ("Hélène", "Cazals", Role.CADRE, montauban, ""),
        "demo-pilotage": ("Laurent", "Puech", Role.PILOTAGE, None, ""),
        "demo-partenaire": (
            "Sandrine",
            "Fabre",
            Role.PARTENAIRE,
            None,
            "CPAM de Tarn-et-Garonne — Mission accompagnement santé",
        ),
        "demo-admin": ("Olivier", "Roche", Role.ADMIN, None, ""),
    }
    for matricule, (prenom, nom, role, unite, structure) in demo.items():
        agent = _agent(
            matricule,
            prenom,
            nom,
            role,
            unite,
            organisme,
            structure=structure,
            partenaire=annuaire["82-CPAM_MISAS"] if role == Role.PARTENAIRE else None,
        )
        if not agent.check_password(MOT_DE_PASSE_DEMO):
            agent.set_password(MOT_DE_PASSE_DEMO)
            agent.save(update_fields=["password"])
    # The demo social worker covers the sector of Montauban itself.
    ass = Agent.objects.get(matricule="demo-ass")
    secteur, _ = Secteur.objects.get_or_create(
        nom="Secteur de Montauban (démonstration)", unite=montauban, agent=ass
    )
    secteur.communes.set(["82121"])
    for autre in Secteur.objects.filter(unite=montauban, agent__isnull=False).exclude(agent=ass):
        autre.communes.remove("82121")
    return organisme


def _agent(
    matricule: str,
    prenom: str,
    nom: str,
    role: str,
    unite: Unite | None,
    organisme: Organisme,
    *,
    structure: str = "",
    partenaire: Partenaire | None = None,
) -> Agent:
    email = f"{matricule.lower()}@demo.parcours.invalid"
    agent, cree = _a_jour(
        Agent,
        matricule=matricule,
        defaults={
            "prenom": prenom,
            "nom": nom,
            "role": role,
            "unite": unite,
            "organisme": organisme,
            "email": email,
            "structure": structure,
            "partenaire": partenaire,
            "is_active": True,
        },
    )
    if cree:
        agent.set_unusable_password()
        agent.save(update_fields=["password"])
    return agent


# The partner structures of each département of the demo (names are generic, not real ones).
ANNUAIRE_DEMO = (
    (CategoriePartenaire.CPAM_MISAS, "CPAM — Mission accompagnement santé — {de}"),
    (CategoriePartenaire.CPAM_ASS, "CPAM — action sanitaire et sociale — {de}"),
    (CategoriePartenaire.CPAM_ACCUEIL, "CPAM — accueil — {de}"),
    (CategoriePartenaire.SERVICE_MEDICAL, "Service médical (ELSM) — {de}"),
    (CategoriePartenaire.MEDECIN_TRAVAIL, "Service de prévention et de santé au travail — {de}"),
    (CategoriePartenaire.FRANCE_TRAVAIL, "France Travail — {de}"),
    (CategoriePartenaire.CAP_EMPLOI, "Cap emploi — {de}"),
    (CategoriePartenaire.MDPH, "MDPH — {de}"),
    (CategoriePartenaire.SERVICE_SOCIAL_HOSPITALIER, "Centre hospitalier, service social — {de}"),
    (CategoriePartenaire.CENTRE_EXAMENS_SANTE, "Centre d'examens de santé — {de}"),
    (CategoriePartenaire.BIEN_VIEILLIR, "Ateliers « bien vieillir » — {de}"),
)


def _annuaire(organisme: Organisme, departements: list[str]) -> dict[str, Partenaire]:
    """A directory of partner structures per département: `{"82-CPAM_MISAS": structure}`."""
    noms = dict(Departement.objects.filter(code__in=departements).values_list("code", "nom"))
    annuaire = {}
    for departement in departements:
        de = f"du département {departement}" if departement not in noms else noms[departement]
        for numero, (categorie, modele) in enumerate(ANNUAIRE_DEMO, start=1):
            code = f"DEMO-{departement}-{numero:02d}"
            annuaire[f"{departement}-{categorie}"], _ = _a_jour(
                Partenaire,
                code=code,
                defaults={
                    "nom": modele.format(de=de),
                    "categorie": categorie,
                    "organisme": organisme,
                    "departement_id": departement,
                    "email": f"{code.lower()}@demo.parcours.invalid",
                },
            )
    return annuaire
