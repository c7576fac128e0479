"""The Jinja2 environment for agenda and record templates, built once by the bootstrap."""

from jinja2 import Environment, PackageLoader, StrictUndefined

MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|~>"


def markdown_text(value: object) -> str:
    """Person-entered text made literal in Markdown: markup characters are backslash-escaped
    and HTML's <, > and & become entities, so nothing renders as markup or HTML."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(f"\\{c}" if c in MARKDOWN_SPECIAL else c for c in text).replace("\n", "  \n")


def make_templates() -> Environment:
    """Templates render plain text; person-entered text is passed as data, never as source."""
    environment = Environment(
        loader=PackageLoader("policies", "templates"),
        autoescape=False,  # plain-text output; each channel adapter escapes for its own markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    environment.filters["md"] = markdown_text
    return environment
