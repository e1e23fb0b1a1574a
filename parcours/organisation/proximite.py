"""Which reception places are nearest a person's commune, by the built-in drive-time estimate
of DESIGN §4 (t = 60 × k × d / v, from the commune's town hall): the pages that ask for a
place list the unit's places first, the nearest first. The observatory uses the same estimate
(parcours.observatoire.accessibilite), or a routing server where one is configured; a form is
never made to wait for a routing server.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from parcours.lib.sphere import distances_km
from parcours.organisation.models import LieuAccueil, Organisme
from parcours.territoire.models import Commune


def minutes_estimees(d_km, k: float, v: float):
    """The built-in estimate of DESIGN §4: t (min) = 60 × k × d / v (scalar or array)."""
    return 60.0 * k * d_km / v


@dataclass(frozen=True)
class LieuProche:
    lieu: LieuAccueil
    minutes: float | None  # None: the person's commune is unknown

    @property
    def libelle(self) -> str:
        if self.minutes is None:
            return self.lieu.nom
        if self.minutes == 0:
            return f"{self.lieu.nom} — dans la commune de la personne"
        return f"{self.lieu.nom} — environ {max(1, round(self.minutes))} min en voiture"


def par_proximite(
    lieux: Iterable[LieuAccueil], commune: Commune | None, organisme: Organisme | None
) -> list[LieuProche]:
    """The places, nearest the commune's town hall first (by name without a commune); a place
    in the commune itself is at 0 minutes."""
    lieux = list(lieux)
    if commune is None or not lieux:
        return [LieuProche(lieu, None) for lieu in sorted(lieux, key=lambda lieu: lieu.nom)]
    k = organisme.detour_k if organisme else 1.3
    v = organisme.vitesse_kmh if organisme else 60.0
    d_km = distances_km(
        commune.latitude,
        commune.longitude,
        np.array([lieu.latitude for lieu in lieux]),
        np.array([lieu.longitude for lieu in lieux]),
    )
    minutes = minutes_estimees(d_km, k, v)
    proches = [
        LieuProche(lieu, 0.0 if lieu.commune_id == commune.code else float(m))
        for lieu, m in zip(lieux, minutes, strict=True)
    ]
    return sorted(proches, key=lambda p: (p.minutes, p.lieu.nom))


def choix_groupes(
    lieux: Iterable[LieuAccueil],
    *,
    unite_id: int | None,
    commune: Commune | None,
    organisme: Organisme | None,
    vide: str = "— choisir un lieu —",
) -> list:
    """Grouped choices for a select: the unit's places, then the organisme's others, each group
    nearest the person's commune first."""
    lieux = list(lieux)
    de_l_unite = par_proximite(
        [lieu for lieu in lieux if lieu.unite_id == unite_id], commune, organisme
    )
    autres = par_proximite(
        [lieu for lieu in lieux if lieu.unite_id != unite_id], commune, organisme
    )
    ordre = "du plus proche au plus éloigné" if commune else "par nom"
    choix: list = [("", vide)]
    if de_l_unite:
        choix.append((f"Lieux de l'unité ({ordre})", [(p.lieu.pk, p.libelle) for p in de_l_unite]))
    if autres:
        choix.append(
            (f"Autres lieux de l'organisme ({ordre})", [(p.lieu.pk, p.libelle) for p in autres])
        )
    return choix
