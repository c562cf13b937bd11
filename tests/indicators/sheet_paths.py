"""One progress file through the three doors: the command, the admin and the front office.

``import_through(path, ...)`` imports the file as that door's user would (preview then
confirmation for the admin and the front office) and returns what the user learns: the rows
saved, read back from the database, or the French error lines shown. Between two doors the
saved entries are deleted, so each door starts from the same database.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from indicators.models import ProgressEntry
from tests.neighbour import MARKERS

PATHS = ("commande", "administration", "espace")
ADMIN_IMPORT = reverse("admin:indicators_progressentry_import")
ADMIN_PROCESS = reverse("admin:indicators_progressentry_process_import")
ESPACE_IMPORT = reverse("espace:import")
ADMIN_FORMATS = {"csv": "0", "xlsx": "1", "ods": "2"}


@dataclass
class Outcome:
    # [objective, indicator, ISO date, value, comment] per saved entry
    rows: list[list[str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def ours():
    """The entries of the test's contracts: the neighbour's (VOISIN-1) are never counted."""
    return ProgressEntry.objects.exclude(indicator__objective__contract__reference="VOISIN-1")


def saved_rows(contract) -> list[list[str]]:
    entries = ProgressEntry.objects.filter(indicator__objective__contract=contract).select_related(
        "indicator__objective"
    )
    return sorted(
        [
            e.indicator.objective.code,
            e.indicator.code,
            e.date.isoformat(),
            f"{e.value.normalize():f}",
            e.comment,
        ]
        for e in entries
    )


def clear(contract) -> None:
    mine = {"indicator__objective__contract": contract}
    ProgressEntry.objects.filter(**mine).delete()
    ProgressEntry.history.filter(**mine).delete()


def officer_with_rights(officer):
    group = Group.objects.get(name="officers")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=("territories", "contracts", "indicators", "funding")
        )
    )
    return officer


def chef_of(django_user_model, contract, username="chef-fichiers"):
    user = django_user_model.objects.create_user(username, email=f"{username}@example.org")
    ProjectMembership.objects.create(
        user=user, territory=contract.territory, role=MembershipRole.PROJECT_LEAD
    )
    return user


def _shows_no_neighbour(response) -> None:
    """The files of these tests name their own contract only: no page may show another one."""
    page = html.unescape(response.content.decode())
    assert not [marker for marker in MARKERS if marker in page], "la page montre le voisin"


def _lines(page: str) -> list[str]:
    shown = [html.unescape(part.split("</li>")[0]) for part in page.split("<li>")[1:]]
    return [line.strip() for line in shown if line.strip()]


def import_through(
    path: str, *, content: bytes, filename: str, contract, client, officer, chef, tmp_path
) -> Outcome:
    if path == "commande":
        file = tmp_path / filename
        file.write_bytes(content)
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_progress", str(file), stdout=out, stderr=err)
        except SystemExit:
            return Outcome(errors=err.getvalue().splitlines())
    elif path == "administration":
        client.force_login(officer)
        extension = filename.rsplit(".", 1)[-1].lower()
        upload = SimpleUploadedFile(filename, content)
        preview = client.post(
            ADMIN_IMPORT,
            {"format": ADMIN_FORMATS.get(extension, "0"), "import_file": upload, "resource": "0"},
        )
        assert preview.status_code == 200
        _shows_no_neighbour(preview)
        form = (preview.context or {}).get("confirm_form")
        if form is None:
            page = preview.content.decode()
            return Outcome(errors=_lines(page.split("Le fichier n'a pas été importé")[-1]))
        done = client.post(
            ADMIN_PROCESS, {name: form.initial[name] for name in form.fields}, follow=True
        )
        assert done.status_code == 200
    else:
        client.force_login(chef)
        preview = client.post(ESPACE_IMPORT, {"file": SimpleUploadedFile(filename, content)})
        assert preview.status_code == 200
        _shows_no_neighbour(preview)
        if not preview.context["result"]:
            return Outcome(errors=[str(error) for error in preview.context["errors"]])
        done = client.post(ESPACE_IMPORT, {"pending": preview.context["pending"]}, follow=True)
        assert done.status_code == 200
        _shows_no_neighbour(done)
    client.logout()
    rows = saved_rows(contract)
    clear(contract)
    return Outcome(rows=rows)
