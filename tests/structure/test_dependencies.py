"""The dependency files agree: the lock satisfies every range, and no range
admits a release with a known advisory (the floors of requirements.txt)."""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
# First fixed release of each advisory the floors guard against (requirements.txt).
FIXED = {
    "flask": "3.1.1",
    "werkzeug": "3.1.4",
    "jinja2": "3.1.6",
    "markdown": "3.8.1",
    "gunicorn": "23.0.0",
}


def ranges() -> dict[str, Requirement]:
    found = {}
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                requirement = Requirement(line)
                found[canonicalize_name(requirement.name)] = requirement
    return found


def locked() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, _, version = line.strip().partition("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def test_the_lock_pins_every_direct_dependency_within_its_range():
    pins = locked()
    outside = {
        name: str(pins.get(name))
        for name, requirement in ranges().items()
        if name not in pins or pins[name] not in requirement.specifier
    }
    assert outside == {}


def test_no_range_admits_a_release_with_a_known_advisory():
    found = ranges()
    admitted = {}
    for name, fixed in FIXED.items():
        assert name in found, f"{name} has no range in requirements.txt"
        floor = Version(fixed)
        # Any version just below the fix that the range accepts is a hole.
        below = list(found[name].specifier.filter(_versions_below(floor)))
        if below:
            admitted[name] = below
    assert admitted == {}


def _versions_below(floor: Version) -> list[str]:
    major, minor, micro = (*floor.release, 0, 0)[:3]
    candidates = {f"{major}.{minor}.{max(micro - 1, 0)}", f"{major}.{max(minor - 1, 0)}.99"}
    candidates |= {f"{max(major - 1, 0)}.99.99"}
    return sorted(v for v in candidates if Version(v) < floor)
