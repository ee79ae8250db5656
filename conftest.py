"""Root conftest: the checklist's step definitions and pytest plugin (steps/)."""

pytest_plugins = ["steps.plugin", "steps.given", "steps.when", "steps.then", "steps.faults"]
