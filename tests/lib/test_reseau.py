from parcours.lib.reseau import adresse_client


def test_without_proxy_remote_addr_is_the_client():
    assert adresse_client("10.0.0.1", "1.2.3.4", 0) == "10.0.0.1"


def test_behind_one_proxy_the_last_forwarded_address_is_the_client():
    assert adresse_client("10.0.0.1", "6.6.6.6, 1.2.3.4", 1) == "1.2.3.4"


def test_behind_two_proxies():
    assert adresse_client("10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2", 2) == "1.2.3.4"


def test_missing_header_falls_back_to_remote_addr():
    assert adresse_client("10.0.0.1", None, 1) == "10.0.0.1"
    assert adresse_client("10.0.0.1", "1.2.3.4", 2) == "10.0.0.1"
