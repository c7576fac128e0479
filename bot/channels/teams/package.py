"""The Teams app package a council admin uploads: manifest.json with the app id filled in,
and the two icons, zipped at the top level as Teams requires."""

from __future__ import annotations

import json
import re
import zipfile
from importlib import resources
from pathlib import Path

FILES = ("manifest.json", "color.png", "outline.png")
APP_ID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def build_package(app_id: str, out: Path) -> Path:
    """Write the package for the bot registration `app_id` (a GUID) to `out`.

    Raises:
        ValueError: `app_id` is not a GUID.
    """
    if not APP_ID.fullmatch(app_id):
        raise ValueError(f"{app_id!r} is not an app id (a GUID, from the Azure Bot registration)")
    folder = resources.files("bot.channels.teams") / "package"
    manifest = (folder / "manifest.json").read_text(encoding="utf-8").replace("{{APP_ID}}", app_id)
    json.loads(manifest)  # what we ship must stay valid JSON
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", manifest)
        for name in FILES[1:]:
            package.writestr(name, (folder / name).read_bytes())
    return out
