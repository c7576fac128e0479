"""The only code that touches SQL (see README, layout)."""

import sys

# Alembic loads Mako for its script templates, and Mako loads Pygments (4.5 MiB resident in
# every process that opens the database, `sva serve` and its children included) only to
# colour its own HTML error pages, which nothing here shows. Without the plugin Mako falls
# back to plain escaping. Set before any module of this package imports Alembic.
sys.modules.setdefault("mako.ext.pygmentplugin", None)  # type: ignore[arg-type]
