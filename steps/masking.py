"""This run's credentials masked in a test report, before the terminal, JUnit or Allure read it."""

from __future__ import annotations

import pytest

from steps.keys import RUN_REDACTOR


def mask_report(item: pytest.Item, report: pytest.TestReport) -> None:
    redactor = item.config.stash.get(RUN_REDACTOR, None)
    if redactor is None:
        return
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # a skip: (path, line, reason)
        path, line, reason = longrepr
        report.longrepr = (path, line, redactor.text(str(reason)))
    elif longrepr is not None:
        text = str(longrepr)
        masked = redactor.text(text)
        if masked != text:
            report.longrepr = masked
    report.sections = [(title, redactor.text(body)) for title, body in report.sections]
