"""Outgoing SMS: mobile numbers, the GSM-7 alphabet and its segments, and the backends — the
HTTP one against a real local server."""

import io
import json
import socket
import stat
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from parcours.messagerie import sms
from parcours.messagerie.sms import (
    GSM7_BASE,
    GSM7_EXTENSION,
    LONGUEUR_MAX,
    BackendSms,
    ConsoleBackend,
    ErreurFournisseur,
    ErreurSms,
    FichierBackend,
    HttpBackend,
    MemoireBackend,
    NumeroInvalide,
    backend,
    en_gsm7,
    lire_sms,
    normaliser_mobile,
    segments,
    verifier_un_sms,
)
from parcours.settings import base

RENDEZ_VOUS = (
    "Vous avez rendez-vous avec le service social de l'Assurance Maladie le mardi 15 décembre "
    "à 14 h 30, Agence de Montauban."
)
NUMERO = "06 12 34 56 78"
E164 = "+33612345678"
# Every way the number could leak into a message.
FORMES_DU_NUMERO = (E164, "0612345678", "612345678", NUMERO, "06.12.34.56.78")


def sans_donnees_personnelles(message: str) -> bool:
    return not any(forme in message for forme in FORMES_DU_NUMERO) and not any(
        mot in message for mot in ("Montauban", "rendez-vous", "décembre")
    )


# Numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "texte",
    ["06 12 34 56 78", "0612345678", "06.12.34.56.78", "06-12-34-56-78", "+33 6 12 34 56 78",
     "0033612345678", "+33 (0)6 12 34 56 78", " +33612345678 "],
)  # fmt: skip
def test_french_mobiles_in_every_spelling_become_e164(texte):
    assert normaliser_mobile(texte) == E164


@pytest.mark.parametrize(
    "texte,attendu",
    [
        ("07 81 23 45 67", "+33781234567"),
        ("+32 470 12 34 56", "+32470123456"),  # Belgium
        ("0032 470 12 34 56", "+32470123456"),
        ("+262 692 12 34 56", "+262692123456"),  # La Réunion
    ],
)
def test_other_mobiles_are_accepted(texte, attendu):
    assert normaliser_mobile(texte) == attendu


@pytest.mark.parametrize("texte", ["05 61 23 45 67", "+33 5 61 23 45 67", "09 70 12 34 56"])
def test_a_landline_is_refused_in_french(texte):
    with pytest.raises(NumeroInvalide) as erreur:
        normaliser_mobile(texte)
    assert str(erreur.value) == (
        "ce numéro n'est pas un portable : un SMS ne peut pas y être envoyé"
    )


@pytest.mark.parametrize("texte", ["", "appeler le soir", "06 99", "07 00 12 34 56", "+99 123"])
def test_what_is_not_a_number_is_refused_without_repeating_it(texte):
    with pytest.raises(NumeroInvalide, match="numéro") as erreur:
        normaliser_mobile(texte)
    assert isinstance(erreur.value, ErreurSms)
    assert not texte or texte not in str(erreur.value)


# The GSM-7 alphabet -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "texte,attendu",
    [
        # In the alphabet: kept as they are.
        ("é è ù ì ò à É Ç Ø ø Å å Ä Ö Ñ Ü ä ö ñ ü ß Æ æ § ¿ ¡ £ $ ¥ ¤ @ _",
         "é è ù ì ò à É Ç Ø ø Å å Ä Ö Ñ Ü ä ö ñ ü ß Æ æ § ¿ ¡ £ $ ¥ ¤ @ _"),
        ("€ [ ] { } ~ ^ \\ |", "€ [ ] { } ~ ^ \\ |"),
        ("ligne\nsuivante\r\n", "ligne\nsuivante\r\n"),
        # Accents outside the alphabet lose their accent; the small ç is not in it.
        ("fête âge rôle île sûr ça Ça", "fete age role ile sur ca Ça"),
        ("À Ê Ë Ï Ô Ù Û ÿ á í ó ú", "A E E I O U U y a i o u"),
        ("cœur Œuvre", "coeur OEuvre"),
        ("« Agence » “Centre” „x‟", '" Agence " "Centre" "x"'),
        ("l’agence ‘a’ `b´", "l'agence 'a' 'b'"),
        ("14 h – 16 h — fin", "14 h - 16 h - fin"),
        ("Suite…", "Suite..."),
        ("Bonjour\u00a0!\u202f:\u2009x\tz", "Bonjour ! : x z"),
        ("usager·es n° 3", "usager.es no 3"),
        ("ré\u00adunion\u200b", "réunion"),
        # Decomposed accents are composed first: « é » written as e + U+0301 is kept.
        ("e\u0301te\u0302", "éte"),
        # Compatibility forms decompose; what has no equivalent becomes « ? ».
        ("ﬁn ½ m² ™ Ｘ", "fin 1/2 m2 TM X"),
        ("😀 漢 Ж", "? ? ?"),
    ],
)  # fmt: skip
def test_en_gsm7_keeps_the_alphabet_and_transliterates_the_rest(texte, attendu):
    assert en_gsm7(texte) == attendu


def test_en_gsm7_keeps_every_character_of_the_alphabet_and_only_them():
    alphabet = "".join(sorted(GSM7_BASE | GSM7_EXTENSION))
    assert en_gsm7(alphabet) == alphabet
    assert len(GSM7_BASE) == 127 and len(GSM7_EXTENSION) == 9  # 128 less the escape
    tout = "".join(chr(point) for point in range(1, 0x3000) if not 0xD800 <= point < 0xE000)
    gsm7 = en_gsm7(tout)
    assert set(gsm7) <= GSM7_BASE | GSM7_EXTENSION
    assert en_gsm7(gsm7) == gsm7


@pytest.mark.parametrize(
    "texte,attendu",
    [
        ("", 0),
        ("a", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("a" * 159 + "[", 2),
        ("é" * 160, 1),  # in the alphabet: one septet each
        ("œ" * 80, 1),  # counted once transliterated: « oe », two septets
        ("…" * 54, 2),  # « ... »: 162 septets
        # An extension character is never split across two parts: the 153rd septet of the
        # first part stays empty, and 306 septets take three parts.
        ("a" * 152 + "€" + "a" * 152, 3),
        ("a" * 151 + "€" + "a" * 153, 2),
    ],
)
def test_segments(texte, attendu):
    assert segments(texte) == attendu


def test_the_appointment_sentence_fits_in_one_sms():
    assert segments(RENDEZ_VOUS) == 1
    assert verifier_un_sms(RENDEZ_VOUS) == RENDEZ_VOUS


def test_verifier_un_sms_returns_the_gsm7_text():
    assert LONGUEUR_MAX == 160
    assert verifier_un_sms("« ça » : fête…") == '" ca " : fete...'
    assert verifier_un_sms("a" * 160) == "a" * 160


@pytest.mark.parametrize(
    "texte,trop",
    [("a" * 161, "de 1 caractère :"), ("€" * 81, "de 2 caractères"), ("œ" * 81, "de 2 car")],
)
def test_verifier_un_sms_says_how_much_is_too_much(texte, trop):
    with pytest.raises(ErreurSms, match=f"SMS trop long {trop}"):
        verifier_un_sms(texte)


def test_verifier_un_sms_refuses_an_empty_text_and_never_repeats_the_text():
    with pytest.raises(ErreurSms, match="vide"):
        verifier_un_sms("")
    with pytest.raises(ErreurSms) as erreur:
        verifier_un_sms(RENDEZ_VOUS * 2)
    assert sans_donnees_personnelles(str(erreur.value))


# Choosing a backend -------------------------------------------------------------------------


def test_the_default_backend_writes_files(settings):
    # The tests keep SMS in memory; an instance writes files unless told otherwise.
    assert base.PARCOURS_SMS_BACKEND == "parcours.messagerie.sms.FichierBackend"
    settings.PARCOURS_SMS_BACKEND = base.PARCOURS_SMS_BACKEND
    assert type(backend()) is FichierBackend
    settings.PARCOURS_SMS_BACKEND = "parcours.messagerie.sms.ConsoleBackend"
    assert type(backend()) is ConsoleBackend


@pytest.mark.parametrize(
    "chemin", ["parcours.messagerie.sms.Inconnu", "inexistant.Backend", "parcours.messagerie.sms"]
)
def test_an_unknown_backend_is_a_configuration_error(settings, chemin):
    settings.PARCOURS_SMS_BACKEND = chemin
    with pytest.raises(ImproperlyConfigured, match="PARCOURS_SMS_BACKEND"):
        backend()


def test_a_class_that_is_not_a_backend_is_refused(settings):
    settings.PARCOURS_SMS_BACKEND = "parcours.messagerie.sms.ErreurSms"
    with pytest.raises(ImproperlyConfigured, match="n'est pas un BackendSms"):
        backend()


def test_the_http_backend_needs_its_url_and_token(settings):
    settings.PARCOURS_SMS_BACKEND = "parcours.messagerie.sms.HttpBackend"
    settings.PARCOURS_SMS_URL = ""
    settings.PARCOURS_SMS_JETON = "jeton"
    with pytest.raises(ImproperlyConfigured, match="PARCOURS_SMS_URL est vide"):
        backend()
    settings.PARCOURS_SMS_URL = "file:///etc/passwd"
    with pytest.raises(ImproperlyConfigured, match="http:// ou https://"):
        backend()
    settings.PARCOURS_SMS_URL = "https://sms.fournisseur.example/v1/messages"
    settings.PARCOURS_SMS_JETON = ""
    with pytest.raises(ImproperlyConfigured, match="PARCOURS_SMS_JETON"):
        backend()
    settings.PARCOURS_SMS_JETON = "jeton"
    assert isinstance(backend(), HttpBackend)


@pytest.mark.parametrize("expediteur", ["", "AssuranceMaladie", "Ass Maladie", "Carsât", "CPAM-31"])
def test_the_sender_is_one_to_eleven_letters_or_digits(settings, expediteur):
    settings.PARCOURS_SMS_URL = "https://sms.fournisseur.example/v1/messages"
    settings.PARCOURS_SMS_JETON = "jeton"
    settings.PARCOURS_SMS_EXPEDITEUR = expediteur
    with pytest.raises(ImproperlyConfigured, match="de 1 à 11 lettres ou chiffres"):
        HttpBackend()
    settings.PARCOURS_SMS_EXPEDITEUR = "AssMaladie"
    assert HttpBackend().expediteur == "AssMaladie"


# File, console and memory backends ---------------------------------------------------------


def test_the_file_backend_appends_one_private_json_line(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    identifiant = FichierBackend().envoyer(NUMERO, "« Rappel » : fête…", "42")
    assert identifiant.startswith("fichier-") and len(identifiant) == len("fichier-") + 36
    dossier = tmp_path / "sms"
    fichier = dossier / f"{timezone.localdate():%Y-%m-%d}.jsonl"
    assert stat.S_IMODE(dossier.stat().st_mode) == 0o700
    assert stat.S_IMODE(fichier.stat().st_mode) == 0o600
    (ligne,) = fichier.read_text(encoding="utf-8").splitlines()
    message = json.loads(ligne)
    date = message.pop("date")
    assert message == {
        "id": identifiant,
        "numero": E164,
        "texte": '" Rappel " : fete...',
        "reference": "42",
        "segments": 1,
    }
    ecart = timezone.now() - timezone.datetime.fromisoformat(date)
    assert abs(ecart.total_seconds()) < 5


def test_lire_sms_reads_them_back_newest_first(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    (tmp_path / "sms").mkdir()
    ancien = {"date": "2025-01-02T09:00:00+01:00", "numero": E164, "texte": "ancien"}
    (tmp_path / "sms" / "2025-01-02.jsonl").write_text(
        json.dumps(ancien) + "\n" + '{"coupé par un arr', encoding="utf-8"
    )
    envoi = FichierBackend()
    premier = envoi.envoyer(NUMERO, "premier", "1")
    second = envoi.envoyer("07 81 23 45 67", "second", "2")
    messages = lire_sms()
    assert [m.get("id") for m in messages] == [second, premier, None]
    assert [m["texte"] for m in messages] == ["second", "premier", "ancien"]
    assert messages[0]["numero"] == "+33781234567" and messages[0]["reference"] == "2"
    assert [m["texte"] for m in lire_sms(limite=2)] == ["second", "premier"]


def test_lire_sms_without_any_message(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert lire_sms() == []


def test_the_file_backend_sends_nothing_it_should_not(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with pytest.raises(NumeroInvalide):
        FichierBackend().envoyer("05 61 23 45 67", "texte", "1")
    with pytest.raises(ErreurSms, match="trop long"):
        FichierBackend().envoyer(NUMERO, "a" * 161, "1")
    assert lire_sms() == []


def test_the_console_backend_prints():
    flux = io.StringIO()
    identifiant = ConsoleBackend(flux).envoyer(NUMERO, "Bonjour l’agence", "7")
    assert identifiant.startswith("console-")
    assert f"à {E164} (réf. 7)" in flux.getvalue()
    assert "Bonjour l'agence" in flux.getvalue()


def test_the_memory_backend_keeps_the_messages(monkeypatch):
    monkeypatch.setattr(sms, "boite_envoi", [])
    identifiant = MemoireBackend().envoyer(NUMERO, "Bonjour", "7")
    assert sms.boite_envoi == [
        {"id": identifiant, "numero": E164, "texte": "Bonjour", "reference": "7"}
    ]


def test_a_backend_implements_transmettre():
    with pytest.raises(NotImplementedError):
        BackendSms().envoyer(NUMERO, "Bonjour", "1")


# The HTTP backend, against a real local server -----------------------------------------------


class Fournisseur(ThreadingHTTPServer):
    """A provider's API on 127.0.0.1: keeps each request and answers as told."""

    daemon_threads = False  # server_close() waits for the handlers

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Guichet)
        self.recues: list[dict] = []
        self.statut = 200
        self.reponse: bytes = b'{"id": "abc"}'
        self.attente = 0.0
        self.fin = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/messages"


class Guichet(BaseHTTPRequestHandler):
    server: Fournisseur

    def do_POST(self):
        corps = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.recues.append({"chemin": self.path, "entetes": self.headers, "corps": corps})
        if self.server.attente:
            self.server.fin.wait(self.server.attente)
        try:
            self.send_response(self.server.statut)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(self.server.reponse)))
            self.end_headers()
            self.wfile.write(self.server.reponse)
        except OSError:
            pass  # the client gave up waiting

    def log_message(self, format, *args):
        pass


@pytest.fixture
def fournisseur(settings):
    serveur = Fournisseur()
    fil = threading.Thread(target=serveur.serve_forever, kwargs={"poll_interval": 0.05})
    fil.start()
    settings.PARCOURS_SMS_BACKEND = "parcours.messagerie.sms.HttpBackend"
    settings.PARCOURS_SMS_URL = serveur.url
    settings.PARCOURS_SMS_JETON = "jeton-de-test"
    settings.PARCOURS_SMS_EXPEDITEUR = "AssMaladie"
    settings.PARCOURS_SMS_DELAI = 10
    yield serveur
    serveur.fin.set()
    serveur.shutdown()
    serveur.server_close()
    fil.join()


def test_the_provider_receives_the_payload_and_the_token(fournisseur):
    assert backend().envoyer(NUMERO, RENDEZ_VOUS, "1234") == "abc"
    (requete,) = fournisseur.recues
    assert requete["chemin"] == "/v1/messages"
    assert requete["entetes"]["Authorization"] == "Bearer jeton-de-test"
    assert requete["entetes"]["Content-Type"] == "application/json"
    assert json.loads(requete["corps"]) == {
        "to": E164,
        "text": RENDEZ_VOUS,
        "sender": "AssMaladie",
        "reference": "1234",
    }


def test_the_provider_receives_gsm7_text(fournisseur):
    fournisseur.reponse = b'{"id": 987, "status": "queued"}'
    assert backend().envoyer(NUMERO, "« ça » : fête…", "1") == "987"
    assert json.loads(fournisseur.recues[0]["corps"])["text"] == '" ca " : fete...'


def test_nothing_is_posted_for_a_landline_or_a_long_text(fournisseur):
    with pytest.raises(NumeroInvalide):
        backend().envoyer("05 61 23 45 67", RENDEZ_VOUS, "1")
    with pytest.raises(ErreurSms, match="trop long"):
        backend().envoyer(NUMERO, RENDEZ_VOUS * 2, "1")
    assert fournisseur.recues == []


@pytest.mark.parametrize(
    "statut,temporaire",
    [(500, True), (502, True), (503, True), (429, True), (400, False), (401, False),
     (404, False), (422, False)],
)  # fmt: skip
def test_a_refusal_is_temporary_for_429_and_5xx_only(fournisseur, statut, temporaire):
    fournisseur.statut = statut
    # The body repeats the number, as some providers do: it must not reach the message.
    fournisseur.reponse = json.dumps({"error": f"refused {E164}: {RENDEZ_VOUS}"}).encode()
    with pytest.raises(ErreurFournisseur) as erreur:
        backend().envoyer(NUMERO, RENDEZ_VOUS, "1")
    assert erreur.value.temporaire is temporaire
    assert erreur.value.statut_http == statut
    message = str(erreur.value)
    assert f"le fournisseur de SMS (127.0.0.1:{fournisseur.server_address[1]})" in message
    assert f"HTTP {statut}" in message
    assert sans_donnees_personnelles(message)
    assert erreur.value.__cause__ is None and erreur.value.__suppress_context__
    assert len(fournisseur.recues) == 1


def test_a_redirection_is_not_followed(fournisseur):
    fournisseur.statut = 302
    with pytest.raises(ErreurFournisseur, match="HTTP 302") as erreur:
        backend().envoyer(NUMERO, RENDEZ_VOUS, "1")
    assert erreur.value.temporaire is False
    assert len(fournisseur.recues) == 1


@pytest.mark.parametrize(
    "reponse", [b'{"status": "ok"}', b'{"id": ""}', b'{"id": null}', b"[]", b"ok", b""]
)
def test_an_answer_without_id_is_not_retried(fournisseur, reponse):
    fournisseur.reponse = reponse
    with pytest.raises(ErreurFournisseur, match="sans identifiant") as erreur:
        backend().envoyer(NUMERO, RENDEZ_VOUS, "1")
    assert erreur.value.temporaire is False


def test_a_closed_port_is_temporary(settings):
    with socket.socket() as libre:
        libre.bind(("127.0.0.1", 0))
        port = libre.getsockname()[1]
    settings.PARCOURS_SMS_URL = f"http://127.0.0.1:{port}/v1/messages"
    settings.PARCOURS_SMS_JETON = "jeton-de-test"
    with pytest.raises(ErreurFournisseur, match="injoignable") as erreur:
        HttpBackend().envoyer(NUMERO, RENDEZ_VOUS, "1")
    assert erreur.value.temporaire is True
    assert f"127.0.0.1:{port}" in str(erreur.value)
    assert sans_donnees_personnelles(str(erreur.value))


def test_a_slow_provider_times_out_and_is_temporary(fournisseur, settings):
    settings.PARCOURS_SMS_DELAI = 1
    fournisseur.attente = 5
    debut = time.monotonic()
    with pytest.raises(ErreurFournisseur, match="n'a pas répondu en 1 s") as erreur:
        backend().envoyer(NUMERO, RENDEZ_VOUS, "1")
    assert time.monotonic() - debut < 3
    assert erreur.value.temporaire is True
    assert sans_donnees_personnelles(str(erreur.value))
    assert len(fournisseur.recues) == 1
