"""The archive edition and reproducible builds.

Every publication (the repository's sample article and the small test book)
is built twice, in two copies of the project in different folders and at
different wall-clock times, three ways: with SOURCE_DATE_EPOCH; without it,
in two clones of one git repository (the build time is then the commit's);
and without either (the publication's date or its files' times). Every file
must come out identical. Then the archival PDF (PDF/A-3, sources attached),
the BagIt bag and `pressroom verify` are checked on what was built.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import bagit
import pytest
from lxml import etree
from pypdf import PdfReader

import pipeline
from pipeline import Exit
from pipeline.archive import checksums, tarball
from pipeline.cli import main
from conftest import REPO, SAMPLE, SOURCE_DATE_EPOCH, make_project, source_date_epoch
from test_book import SLUG as BOOK, book_files

PUBLICATIONS = (SAMPLE, BOOK)
EPOCH_TIME = dt.datetime.fromtimestamp(int(SOURCE_DATE_EPOCH), dt.UTC)
COMMIT_DATE = "2024-05-01T12:00:00+00:00"
X = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}


# --- building twice ---------------------------------------------------------


def _template(root: Path) -> Path:
    project = make_project(root, book_files())
    shutil.copytree(REPO / "source" / SAMPLE, project / "source" / SAMPLE)
    return project


def _git(cwd: Path, *args: str) -> None:
    env = {
        "GIT_AUTHOR_DATE": COMMIT_DATE,
        "GIT_COMMITTER_DATE": COMMIT_DATE,
        "PATH": "/usr/bin:/bin",
        "HOME": str(cwd),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


def _copy(kind: str, template: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if kind == "git":
        _git(target.parent, "clone", "--quiet", str(template), target.name)
    else:
        shutil.copytree(template, target)  # copy2: the files keep their times
    return target


def _build(project: Path, epoch: str | None) -> Path:
    with source_date_epoch(epoch):
        pipeline.build(project)
    return project / "dist"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict:
    """{way: (first dist, second dist)}, the second made later, elsewhere."""
    root = tmp_path_factory.mktemp("twins")
    plain = _template(root / "template-plain")
    repo = _template(root / "template-git")
    _git(repo, "init", "--quiet")
    _git(repo, "add", "-A")
    _git(repo, "commit", "--quiet", "-m", "sources")
    ways = {"epoch": (plain, SOURCE_DATE_EPOCH), "git": (repo, None), "files": (plain, None)}
    first = {
        way: _build(_copy(way, src, root / "first" / way / "project"), epoch) for way, (src, epoch) in ways.items()
    }
    time.sleep(1.1)  # another second on the clock, and new file times for the clone
    second = {
        way: _build(_copy(way, src, root / "second" / "somewhere" / "else" / f"{way}-copy"), epoch)
        for way, (src, epoch) in ways.items()
    }
    return {way: (first[way], second[way]) for way in ways}


@pytest.fixture(scope="module")
def dist(builds) -> Path:
    return builds["epoch"][0]


@pytest.mark.parametrize("way", ["epoch", "git", "files"])
def test_two_builds_in_two_places_at_two_times_are_identical(builds, way):
    one, two = (_files(d) for d in builds[way])
    expected = {"SHA256SUMS"} | {
        f"{slug}{suffix}" for slug in PUBLICATIONS for suffix in (".epub", ".pdf", ".archival.pdf", ".bag.tar")
    }
    assert set(one) == expected
    assert set(two) == expected
    differ = [name for name in sorted(one) if one[name] != two[name]]
    assert differ == [], f"built twice ({way}), these differ: {differ}"


def test_without_source_date_epoch_the_commit_time_is_the_build_time(builds):
    for slug in PUBLICATIONS:
        info = PdfReader(str(builds["git"][0] / f"{slug}.archival.pdf")).metadata
        assert info["/CreationDate"].startswith("D:20240501120000"), info["/CreationDate"]


def test_without_git_the_publication_date_is_the_build_time(builds):
    info = PdfReader(str(builds["files"][0] / f"{BOOK}.archival.pdf")).metadata
    assert info["/CreationDate"].startswith("D:20240315000000"), info["/CreationDate"]


# --- the archival PDF ---------------------------------------------------------


def _sources(slug: str) -> dict[str, bytes]:
    if slug == SAMPLE:
        return {"article.md": (REPO / "source" / SAMPLE / "article.md").read_bytes()}
    files = book_files()
    names = ["publication.yaml", "one.md", "two.md", "three.md"]
    return {n: files[f"source/{BOOK}/{n}"].encode("utf-8") for n in names}


def _xmp(reader: PdfReader):
    return etree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())


def _xmp_text(xmp, tag: str) -> list[str]:
    """Values of an XMP property, as element (with rdf:li items) or attribute."""
    prefix, name = tag.split(":")
    values = []
    for el in xmp.iter(f"{{{X[prefix]}}}{name}"):
        items = [li.text for li in el.iter(f"{{{X['rdf']}}}li")]
        values += items or [el.text]
    for desc in xmp.iter(f"{{{X['rdf']}}}Description"):
        if f"{{{X[prefix]}}}{name}" in desc.attrib:
            values.append(desc.get(f"{{{X[prefix]}}}{name}"))
    return values


def _pdf_date(moment: dt.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S")


@pytest.fixture(scope="module", params=PUBLICATIONS)
def archival(request, dist):
    slug = request.param
    path = dist / f"{slug}.archival.pdf"
    return slug, path, PdfReader(str(path))


def test_archival_pdf_declares_pdfa_3_in_its_xmp(archival):
    _, _, reader = archival
    xmp = _xmp(reader)
    assert _xmp_text(xmp, "pdfaid:part") == ["3"]
    assert _xmp_text(xmp, "pdfaid:conformance")[0] in ("A", "U")


def test_archival_pdf_xmp_has_title_language_identifier_and_dates(archival):
    slug, _, reader = archival
    xmp = _xmp(reader)
    assert _xmp_text(xmp, "dc:title") and _xmp_text(xmp, "dc:title")[0]
    assert _xmp_text(xmp, "dc:language") == (["en"] if slug == SAMPLE else ["en-GB"])
    assert len(_xmp_text(xmp, "dc:identifier")) == 1
    stamp = EPOCH_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _xmp_text(xmp, "xmp:CreateDate") == [stamp]
    assert _xmp_text(xmp, "xmp:ModifyDate") == [stamp]
    if slug == BOOK:
        assert _xmp_text(xmp, "dc:creator") == ["Ada Q. Lovelace"]
        assert _xmp_text(xmp, "dc:publisher") == ["Pressroom Test Press"]


def test_archival_pdf_info_agrees_with_its_xmp(archival):
    """PDF/A wants each document-info entry equal to its XMP counterpart."""
    _, _, reader = archival
    xmp, info = _xmp(reader), reader.metadata
    pairs = {
        "/Title": "dc:title",
        "/Author": "dc:creator",
        "/Subject": "dc:description",
        "/Keywords": "pdf:Keywords",
        "/Creator": "xmp:CreatorTool",
        "/Producer": "pdf:Producer",
    }
    for key, prop in pairs.items():
        if key in info:
            assert ", ".join(_xmp_text(xmp, prop)) == info[key], key
    assert info["/CreationDate"].startswith(_pdf_date(EPOCH_TIME))
    assert info["/ModDate"].startswith(_pdf_date(EPOCH_TIME))


def test_archival_pdf_has_an_srgb_output_intent(archival):
    _, _, reader = archival
    [intent] = reader.trailer["/Root"]["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3
    icc = profile.get_data()
    assert icc[36:40] == b"acsp" and icc[16:20] == b"RGB "
    assert "sRGB" in intent["/OutputConditionIdentifier"]


def test_archival_pdf_embeds_every_font(archival):
    _, path, _ = archival
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        # name, type (one or more words), encoding, then emb sub uni as yes/no
        emb, sub, uni = re.findall(r"\b(yes|no)\b", row)[:3]
        assert emb == "yes" and uni == "yes", row


def test_archival_pdf_is_tagged_unencrypted_and_without_scripts(archival):
    _, path, reader = archival
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"]
    assert "/Encrypt" not in reader.trailer and len(reader.trailer["/ID"]) == 2
    assert "/AA" not in root and "/OpenAction" not in root
    assert "/JavaScript" not in root.get("/Names", {})
    head = path.read_bytes()[:32]
    assert head.startswith(b"%PDF-1.7\n%") and all(b >= 128 for b in head.split(b"\n")[1][1:5])


def test_sources_are_associated_files_with_relationship_source(archival):
    slug, _, reader = archival
    root = reader.trailer["/Root"]
    specs = {ref.idnum: ref.get_object() for ref in root["/AF"]}
    assert {spec["/UF"] for spec in specs.values()} == set(_sources(slug))
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert {n.get_object()["/UF"] for n in names[1::2]} == set(_sources(slug))
    for spec in specs.values():
        assert spec["/AFRelationship"] == "/Source"
        assert spec["/F"] == spec["/UF"]
        stream = spec["/EF"]["/F"].get_object()
        expected = "/application/yaml" if spec["/UF"].endswith(".yaml") else "/text/markdown"
        assert stream["/Subtype"] == expected
        assert stream["/Params"]["/ModDate"] == _pdf_date(EPOCH_TIME) + "Z"
        assert stream.get_data() == _sources(slug)[spec["/UF"]]


def test_pdfdetach_lists_the_sources_and_gives_them_back_byte_for_byte(archival, tmp_path):
    slug, path, _ = archival
    listing = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert {line.split(": ", 1)[1] for line in listing.splitlines()[1:]} == set(_sources(slug))
    subprocess.run(["pdfdetach", "-saveall", "-o", str(tmp_path), str(path)], check=True, capture_output=True)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == _sources(slug)


def test_print_pdf_is_not_the_archival_one(dist):
    for slug in PUBLICATIONS:
        xmp = _xmp(PdfReader(str(dist / f"{slug}.pdf")))
        assert _xmp_text(xmp, "pdfaid:part") == []


# --- the bag ------------------------------------------------------------------


@pytest.fixture(scope="module", params=PUBLICATIONS)
def bag(request, dist, tmp_path_factory):
    slug = request.param
    root = tarball.unpack(dist / f"{slug}.bag.tar", tmp_path_factory.mktemp(f"bag-{slug}"))
    return slug, root


def test_bagit_validates_the_bag(bag):
    _, root = bag
    loaded = bagit.Bag(str(root))
    assert loaded.validate(processes=1)
    assert sorted(loaded.algorithms) == ["sha256", "sha512"]
    assert (root / "bagit.txt").read_text() == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    for name in ("manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"):
        assert (root / name).is_file(), name


def test_bag_holds_the_editions_and_the_sources_as_built(bag, dist):
    slug, root = bag
    assert root.name == f"{slug}.bag"
    payload = _files(root / "data")
    for suffix in (".epub", ".pdf", ".archival.pdf"):
        assert payload.pop(f"{slug}{suffix}") == (dist / f"{slug}{suffix}").read_bytes()
    if slug == SAMPLE:
        expected = {f"source/{slug}/{k}": v for k, v in _files(REPO / "source" / SAMPLE).items()}
    else:
        expected = {k: v.encode() if isinstance(v, str) else v for k, v in book_files().items()}
    assert payload == expected, "the bag's sources are the publication's folder, every file"


def test_bag_info_comes_from_the_metadata_and_the_build_time(bag):
    slug, root = bag
    info = bagit.Bag(str(root)).info
    assert info["Bagging-Date"] == EPOCH_TIME.strftime("%Y-%m-%d")
    assert info["Bag-Software-Agent"].startswith(f"Pressroom {pipeline.__version__} (bagit.py ")
    assert info["Payload-Oxum"]
    if slug == BOOK:
        assert info["Title"] == "A Small Test Book"
        assert info["External-Identifier"] == "978-3-16-148410-0"
        assert info["Source-Organization"] == "Pressroom Test Press"
        assert info["Date-Published"] == "2024-03-15"
        assert info["Author"] == "Ada Q. Lovelace"
    else:
        assert info["Title"] == "Mali: Mass protests and coup"
        assert info["Source-Organization"] == "League for the Fifth International"


def test_bag_archive_is_sorted_with_fixed_times_and_owners(dist):
    for slug in PUBLICATIONS:
        with tarfile.open(dist / f"{slug}.bag.tar") as tar:
            members = tar.getmembers()
        names = [m.name for m in members]
        assert names == sorted(names) and names[0] == f"{slug}.bag"
        assert all(n == names[0] or n.startswith(names[0] + "/") for n in names)
        assert {m.mtime for m in members} == {int(SOURCE_DATE_EPOCH)}
        assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "", "")}
        assert {m.mode for m in members if m.isfile()} == {0o644}
        assert all(m.isfile() or m.isdir() for m in members)


# --- SHA256SUMS and verify ----------------------------------------------------


def test_sha256sums_lists_everything_built_and_sha256sum_accepts_it(dist):
    entries = checksums.parse((dist / "SHA256SUMS").read_text())
    assert set(entries) == {p.name for p in dist.iterdir() if p.name != "SHA256SUMS"}
    proc = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=dist, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _verify(capsys, target: Path) -> tuple[int, str]:
    status = main(["verify", str(target)])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.fixture
def copy_of_dist(dist, tmp_path) -> Path:
    return Path(shutil.copytree(dist, tmp_path / "dist"))


def test_verify_passes_what_was_built(capsys, dist, bag):
    _, root = bag
    for target in (dist, dist / "SHA256SUMS", dist / f"{bag[0]}.bag.tar", root):
        status, out = _verify(capsys, target)
        assert status == Exit.OK, out
        assert "all as built" in out


def test_one_changed_byte_in_any_payload_file_of_a_bag_is_named(capsys, bag, tmp_path):
    _, original = bag
    root = Path(shutil.copytree(original, tmp_path / original.name))
    payload = sorted(p for p in (root / "data").rglob("*") if p.is_file())
    assert len(payload) >= 4
    for path in payload:
        before = path.read_bytes()
        _flip(path, len(before) // 2)
        status, out = _verify(capsys, root)
        name = path.relative_to(root).as_posix()
        assert status == Exit.CHECK, out
        assert f"{name}: altered" in out, out
        assert out.count("altered") == 1, out
        path.write_bytes(before)
    assert _verify(capsys, root)[0] == Exit.OK


def test_a_missing_or_unexpected_file_in_a_bag_is_named(capsys, bag, tmp_path):
    _, original = bag
    root = Path(shutil.copytree(original, tmp_path / original.name))
    victim = sorted((root / "data" / "source").rglob("*.md"))[0]
    victim.unlink()
    (root / "data" / "stray.txt").write_text("not built\n")
    status, out = _verify(capsys, root)
    assert status == Exit.CHECK
    assert f"{victim.relative_to(root).as_posix()}: missing" in out, out
    assert "data/stray.txt: not in the manifest" in out, out


def test_one_changed_byte_inside_the_bag_archive_names_the_file_inside(capsys, copy_of_dist):
    archive = copy_of_dist / f"{BOOK}.bag.tar"
    with tarfile.open(archive) as tar:
        payload = [m for m in tar.getmembers() if m.isfile() and "/data/" in m.name and m.size]
    for member in payload:
        pristine = archive.read_bytes()
        _flip(archive, member.offset_data + member.size // 2)
        inner = member.name.split("/", 1)[1]
        status, out = _verify(capsys, archive)
        assert status == Exit.CHECK and f"{inner}: altered" in out, out
        status, out = _verify(capsys, copy_of_dist)
        assert status == Exit.CHECK, out
        assert f"{archive.name}: altered" in out and f"{archive.name}: {inner}: altered" in out, out
        archive.write_bytes(pristine)


def test_one_changed_byte_in_any_file_of_dist_is_named(capsys, copy_of_dist):
    for path in sorted(p for p in copy_of_dist.iterdir() if p.name != "SHA256SUMS"):
        before = path.read_bytes()
        _flip(path, len(before) // 3)
        status, out = _verify(capsys, copy_of_dist)
        assert status == Exit.CHECK, out
        assert f"{path.name}: altered" in out, out
        path.write_bytes(before)
    assert _verify(capsys, copy_of_dist)[0] == Exit.OK


def test_a_missing_file_in_dist_is_named(capsys, copy_of_dist):
    (copy_of_dist / f"{SAMPLE}.epub").unlink()
    status, out = _verify(capsys, copy_of_dist)
    assert status == Exit.CHECK
    assert f"{SAMPLE}.epub: missing" in out, out


def test_verify_exits_non_zero_from_the_command_line(copy_of_dist):
    _flip(copy_of_dist / f"{BOOK}.epub", 100)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "verify", str(copy_of_dist)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == Exit.CHECK, proc.stderr
    assert f"{BOOK}.epub: altered" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_verify_without_anything_to_verify_is_a_usage_error(capsys, tmp_path):
    status, out = _verify(capsys, tmp_path)
    assert status == Exit.USAGE and "SHA256SUMS" in out


def test_a_partial_build_keeps_the_other_entries_of_sha256sums(builds, tmp_path, capsys):
    project = Path(shutil.copytree(builds["epoch"][0].parent, tmp_path / "project"))
    before = checksums.parse((project / "dist" / "SHA256SUMS").read_text())
    (project / "dist" / f"{SAMPLE}.epub").unlink()
    with source_date_epoch():
        pipeline.build(project, [SAMPLE], formats=("epub",))
    assert checksums.parse((project / "dist" / "SHA256SUMS").read_text()) == before
    assert _verify(capsys, project / "dist")[0] == Exit.OK


# --- the manual: math, SVG, GIF, JPEG, its own style sheets -------------------

MANUAL = "pressroom-manual"


@pytest.fixture(scope="module")
def manual_twice(tmp_path_factory) -> tuple[Path, Path]:
    """The manual's editions built in two places, a second apart."""
    root = tmp_path_factory.mktemp("manual-twins")
    dists = []
    for where in ("first", "second/somewhere/else"):
        project = make_project(root / where, {})
        shutil.copytree(REPO / "source" / MANUAL, project / "source" / MANUAL)
        dists.append(_build(project, SOURCE_DATE_EPOCH))
        time.sleep(1.1)
    return dists[0], dists[1]


def test_the_manual_builds_twice_to_the_same_bytes(manual_twice):
    one, two = (_files(d) for d in manual_twice)
    assert set(one) == {"SHA256SUMS"} | {f"{MANUAL}{s}" for s in (".epub", ".pdf", ".archival.pdf", ".bag.tar")}
    assert [name for name in sorted(one) if one[name] != two.get(name)] == []


def test_the_manuals_archival_pdf_gives_back_its_metadata_and_every_chapter(manual_twice, tmp_path):
    path = manual_twice[0] / f"{MANUAL}.archival.pdf"
    assert _xmp_text(_xmp(PdfReader(str(path))), "pdfaid:part") == ["3"]
    subprocess.run(["pdfdetach", "-saveall", "-o", str(tmp_path), str(path)], check=True, capture_output=True)
    folder = REPO / "source" / MANUAL
    expected = {p.name: p.read_bytes() for p in [folder / "publication.yaml", *folder.glob("*.md")]}
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == expected
