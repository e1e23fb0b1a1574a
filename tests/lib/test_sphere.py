import math

import numpy as np

from parcours.lib.sphere import (
    RAYON_TERRE_KM,
    corde_vers_km,
    distances_km,
    km_vers_corde,
    sur_la_sphere,
)


def test_one_degree_along_the_equator_and_a_meridian():
    un_degre = 2 * math.pi * RAYON_TERRE_KM / 360
    assert np.isclose(distances_km(0, 0, 0, 1), un_degre)
    assert np.isclose(distances_km(10, 3, 11, 3), un_degre)
    assert distances_km(45, 2, 45, 2) == 0


def test_distances_broadcast_over_arrays():
    d = distances_km(np.array([0, 0]), np.array([0, 0]), 0, np.array([1, 2]))
    assert d.shape == (2,) and np.isclose(d[1], 2 * d[0])


def test_points_of_the_unit_sphere_and_chords_match_great_circle_distances():
    points = sur_la_sphere(np.array([[43.6, 1.44], [44.02, 1.35], [-21.1, 55.5]]))
    assert np.allclose(np.linalg.norm(points, axis=1), 1)
    corde = np.linalg.norm(points[0] - points[1])
    attendu = distances_km(43.6, 1.44, 44.02, 1.35)
    assert np.isclose(corde_vers_km(corde), attendu)
    assert np.isclose(km_vers_corde(float(attendu)), corde)
    # Half the circumference is the diameter; farther is no longer a chord.
    assert np.isclose(km_vers_corde(math.pi * RAYON_TERRE_KM), 2)
    assert np.isclose(km_vers_corde(10 * RAYON_TERRE_KM), 2)
