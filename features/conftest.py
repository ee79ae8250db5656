"""The checklist's pytest layer (steps/), for features/ only: tests/ run without it.

pytest-bdd finds step definitions as fixtures of the conftest that imports them, and pytest
finds hooks by name in a conftest; pytest_plugins is allowed only in the root conftest, where it
would load the plugin (and its --document, its spec, its sandbox guard) for every unit test too.
"""

from steps.faults import *  # noqa: F403
from steps.given import *  # noqa: F403
from steps.plugin import *  # noqa: F403
from steps.then import *  # noqa: F403
from steps.when import *  # noqa: F403
