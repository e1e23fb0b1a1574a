"""Distances on the Earth taken as a sphere, for the territorial observatory (DESIGN §4).

Great-circle distances by the haversine formula, and points of the unit sphere so that a k-d
tree finds nearest neighbours exactly: the chord between two points grows with the arc between
them. No Django here.
"""

import math

import numpy as np

# Mean Earth radius (IUGG R1 = (2a + b) / 3), the radius of the sphere every distance is on.
RAYON_TERRE_KM = 6371.0


def distances_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distances in km (haversine, sphere of radius 6,371.0 km), broadcast
    element-wise over arrays (or scalars) of latitudes and longitudes in degrees."""
    phi1, lam1, phi2, lam2 = (
        np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2)
    )
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    )
    return 2 * RAYON_TERRE_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def sur_la_sphere(latlon: np.ndarray) -> np.ndarray:
    """(n, 2) latitudes and longitudes in degrees → (n, 3) points of the unit sphere."""
    latlon = np.asarray(latlon, dtype=float).reshape(-1, 2)
    phi, lam = np.radians(latlon[:, 0]), np.radians(latlon[:, 1])
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def corde_vers_km(corde: np.ndarray) -> np.ndarray:
    """A chord of the unit sphere → the great-circle distance in km between its ends."""
    return 2 * RAYON_TERRE_KM * np.arcsin(np.clip(corde / 2, 0.0, 1.0))


def km_vers_corde(distance_km: float) -> float:
    """A great-circle distance in km → the chord of the unit sphere subtending it."""
    return 2.0 * math.sin(min(distance_km / RAYON_TERRE_KM, math.pi) / 2.0)
