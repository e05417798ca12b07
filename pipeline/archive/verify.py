"""``pressroom verify``: is a bag, a packed bag or an output folder exactly
as it was built? Each altered, missing or unexpected file is named.

Bags are checked by bagit's own validation; an output folder by its
SHA256SUMS, and every packed bag listed there is opened and validated too.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import bagit

from . import checksums, tarball
from .bag import SUFFIX as BAG_SUFFIX


@dataclass
class Report:
    target: Path
    checked: int = 0  # files whose checksums were compared
    problems: list[str] = field(default_factory=list)  # "name: what is wrong"
    notes: list[str] = field(default_factory=list)  # worth saying, not a failure

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(target: Path) -> Report:
    """Raises FileNotFoundError when there is nothing to verify at ``target``."""
    target = Path(target)
    if target.is_dir() and (target / "bagit.txt").is_file():
        return verify_bag(target)
    if target.is_dir():
        return verify_folder(target)
    if target.is_file() and target.name == checksums.NAME:
        return verify_folder(target.parent)
    if target.is_file() and target.name.endswith(".tar"):
        return verify_packed_bag(target)
    raise FileNotFoundError(f"{target}: not a bag, a {BAG_SUFFIX} file or an output folder")


@contextlib.contextmanager
def _quiet_bagit():
    """bagit logs each failure as a warning; the report says it once, better."""
    logger = logging.getLogger("bagit")
    before = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = before


TOP = re.compile(r"bagit\.txt|bag-info\.txt|(tag)?manifest-[a-z0-9]+\.txt|data")


def _strays(root: Path) -> list[str]:
    """Files and folders at the top of a bag that are none of its own: bagit
    checks only what the tag manifests list."""
    return [
        f"{p.name}: not part of the bag (only bagit.txt, bag-info.txt, the manifests and data/ belong at its top)"
        for p in sorted(root.iterdir())
        if not TOP.fullmatch(p.name)
    ]


def _bag_problems(root: Path, prefix: str = "") -> tuple[list[str], int]:
    problems, checked = _bagit_problems(root, prefix)
    return problems + [f"{prefix}{line}" for line in _strays(root)], checked


def _bagit_problems(root: Path, prefix: str = "") -> tuple[list[str], int]:
    with _quiet_bagit():
        try:
            bag = bagit.Bag(str(root))
        except bagit.BagError as exc:
            return [f"{prefix}{root.name}: not a valid bag: {exc}"], 0
        try:
            bag.validate(processes=1)
            return [], len(bag.entries)
        except bagit.BagValidationError as exc:
            named = _describe(exc.details) or _name_files(bag)
            return [f"{prefix}{line}" for line in (named or [exc.message])], len(bag.entries)
        except bagit.BagError as exc:
            return [f"{prefix}{root.name}: not a valid bag: {exc}"], len(bag.entries)


def _describe(details) -> list[str]:
    """One line per file: bagit reports an altered file once per algorithm."""
    altered: dict[str, list[str]] = {}
    lines = []
    for d in details:
        if isinstance(d, bagit.ChecksumMismatch):
            altered.setdefault(d.path, []).append(d.algorithm)
        elif isinstance(d, bagit.FileMissing):
            lines.append(f"{d.path}: missing")
        elif isinstance(d, bagit.UnexpectedFile):
            lines.append(f"{d.path}: not in the manifest")
        else:
            lines.append(str(d))
    lines += [_altered(path, algs) for path, algs in altered.items()]
    return sorted(lines)


def _altered(name: str, algorithms: list[str]) -> str:
    return f"{name}: altered ({', '.join(sorted(algorithms))} differ{'s' * (len(algorithms) == 1)})"


def _name_files(bag: bagit.Bag) -> list[str]:
    """bagit stops at the first failed count (Payload-Oxum) without naming a
    file; compare each manifest entry with the disk to name them."""
    missing, unexpected = bag.compare_manifests_with_fs()
    found = [f"{p}: missing" for p in missing] + [f"{p}: not in the manifest" for p in unexpected]
    for name, hashes in sorted(bag.entries.items()):
        path = Path(bag.path, name)
        if name in missing or not path.is_file():
            continue
        data = path.read_bytes()
        differ = [a for a, expected in hashes.items() if hashlib.new(a, data).hexdigest() != expected.lower()]
        if differ:
            found.append(_altered(name, differ))
    return sorted(found)


def verify_bag(root: Path) -> Report:
    report = Report(root)
    report.problems, report.checked = _bag_problems(root)
    return report


def verify_packed_bag(archive: Path) -> Report:
    report = Report(archive)
    with tempfile.TemporaryDirectory(prefix="pressroom-verify-") as tmp:
        try:
            root = tarball.unpack(archive, Path(tmp))
        except (tarball.UnsafeArchive, OSError, EOFError, tarfile.TarError) as exc:
            report.problems.append(f"{archive.name}: cannot be opened: {exc}")
            return report
        report.problems, report.checked = _bag_problems(root, prefix=f"{archive.name}: ")
    return report


def verify_folder(folder: Path) -> Report:
    report = Report(folder)
    manifest = folder / checksums.NAME
    if not manifest.is_file():
        raise FileNotFoundError(f"{folder}: no {checksums.NAME}; build first, or name a bag")
    try:
        entries = checksums.parse(manifest.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        report.problems.append(f"{checksums.NAME}: unreadable: {exc}")
        return report
    for name, expected in sorted(entries.items()):
        path = folder / name
        if not path.is_file():
            report.problems.append(f"{name}: missing")
            continue
        report.checked += 1
        if checksums.digest(path) != expected:
            report.problems.append(f"{name}: altered (sha256 differs from {checksums.NAME})")
        if name.endswith(BAG_SUFFIX):
            # Opened either way: an altered bag then names the file inside.
            inner = verify_packed_bag(path)
            report.problems += inner.problems
            report.checked += inner.checked
    for path in sorted(folder.iterdir()):
        if (
            path.is_file()
            and path.name not in entries
            and path.name != checksums.NAME
            and not path.name.startswith(".")
        ):
            report.notes.append(f"{path.name}: not listed in {checksums.NAME} (not made by a build?)")
    _left_over(folder, report)
    return report


def _left_over(folder: Path, report: Report) -> None:
    """What builds stopped outright (or still running) left in the folder."""
    from ..output_folder import left_over

    for staging, placing, running in left_over(folder):
        if running:
            report.notes.append(f"{staging.name}: a build is writing into this folder now")
            continue
        for slug in placing:
            report.problems.append(
                f"{slug}: a build was stopped while putting its editions in place, so they "
                "may be part old and part new; run 'pressroom build' to complete them"
            )
        report.notes.append(f"{staging.name}: left by a build that was stopped; the next build removes it")
