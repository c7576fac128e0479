"""The Jinja2 environment for agenda and record templates, built once by the bootstrap."""

from jinja2 import Environment, PackageLoader, StrictUndefined


def make_templates() -> Environment:
    """Templates render plain text; person-entered text is passed as data, never as source."""
    return Environment(
        loader=PackageLoader("policies", "templates"),
        autoescape=False,  # plain-text output; each channel adapter escapes for its own markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
