"""A ceiling on uploaded files, checked before they are read (DESIGN §5 imports).

The size announced by the request is checked before the first byte of a file is taken in, and
the bytes actually received are counted as they come (a request may not announce its size):
past `PARCOURS_IMPORT_TAILLE_MAX_MO`, the upload stops and the page says why. Files are then
streamed to disk, never held in memory whole.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


def taille_max() -> int:
    return settings.PARCOURS_IMPORT_TAILLE_MAX_MO * 1024 * 1024


def en_mo(octets: int) -> str:
    """« 200 Mo », « 2,5 Mo »: sizes as users read them."""
    mo = octets / (1024 * 1024)
    texte = f"{mo:.0f}" if mo >= 10 or mo == int(mo) else f"{mo:.1f}".replace(".", ",")
    return f"{texte}\u00a0Mo"


class LimiteTeleversement(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: refuses an upload over the ceiling; sets
    `request.televersement_trop_gros` to the size seen, for the page's message."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.annonce = content_length or 0
        self.recu = 0

    def _refuser(self, taille: int) -> None:
        if self.request is not None:
            self.request.televersement_trop_gros = taille
        raise StopUpload(connection_reset=True)

    def new_file(self, *args, **kwargs):
        if self.annonce > taille_max():
            self._refuser(self.annonce)

    def receive_data_chunk(self, raw_data, start):
        self.recu += len(raw_data)
        if self.recu > taille_max():
            self._refuser(self.recu)
        return raw_data

    def file_complete(self, file_size):
        return None
