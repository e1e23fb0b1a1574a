import pytest

from parcours.territoire.chargement import charger_geographie


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the official geography of all France, loaded once per run.

    Transactional tests (the browser ones) empty the database after them; pytest-django runs them
    after the others, and they build the little geography they need with the factories.
    """
    with django_db_blocker.unblock():
        charger_geographie()
