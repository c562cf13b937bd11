"""Evidence files: what the front office accepts (type by extension AND content, size)."""

from pathlib import PurePath

from django.core.exceptions import ValidationError

from cotri.uploads_guard import UploadRefused, check_archive

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

# Extension → the bytes a real file of that type starts with. XLSX and ODS are ZIP archives.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".xlsx": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
}
ACCEPTED = ".pdf, .jpg, .jpeg, .png, .xlsx, .csv, .ods"


def _looks_like_csv(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def validate_evidence(upload) -> None:
    """Refuse files over 10 Mo, of another type, or whose content does not match the extension."""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            "Le fichier dépasse 10 Mo : réduisez-le ou déposez un extrait.", code="too_big"
        )
    suffix = PurePath(upload.name).suffix.lower()
    if suffix not in SIGNATURES and suffix != ".csv":
        raise ValidationError(
            f"Type de fichier non accepté. Formats acceptés : {ACCEPTED}.", code="bad_type"
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    ok = _looks_like_csv(head) if suffix == ".csv" else head.startswith(SIGNATURES[suffix])
    if not ok:
        raise ValidationError(
            f"Le contenu du fichier ne correspond pas à son extension « {suffix} ».",
            code="bad_content",
        )
    if suffix in (".xlsx", ".ods"):  # ZIP containers: bounded members and uncompressed size
        label = "classeur XLSX" if suffix == ".xlsx" else "classeur ODS"
        try:
            check_archive(
                upload.read(),
                label=label,
                not_archive=f"ce fichier n'est pas un {label} lisible",
            )
        except UploadRefused as refusal:
            raise ValidationError(f"Fichier refusé : {refusal}.", code="bad_archive") from None
        finally:
            upload.seek(0)
