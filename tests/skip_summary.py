"""A pytest plugin: every skip's reason on one line, with how many tests it skipped. pytest's -rs
prints one line per test location, so one missing database repeated its reason some 150 times."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Every skip's reason, one line per reason with how many tests it skipped (pytest's -rs prints
    one line per test location: the same reason some 150 times without a database)."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        if isinstance(report.longrepr, tuple):
            reason = report.longrepr[2].removeprefix("Skipped: ")
            reasons[reason] = reasons.get(reason, 0) + 1
    if reasons:
        terminalreporter.section("skipped, by reason")
        for reason, count in sorted(reasons.items(), key=lambda pair: -pair[1]):
            terminalreporter.line(f"SKIPPED ({count} {'test' if count == 1 else 'tests'}): {reason}")
