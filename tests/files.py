"""Files built in memory for upload tests."""

import io
import zipfile


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A real ZIP archive (the container of XLSX and ODS files) holding ``members``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
