"""`pressroom serve` over HTTP: the pages, the EPUB served from its zip, what
is refused, and the builds after saves told over Server-Sent Events."""

from __future__ import annotations

import http.client
import socket
import urllib.error

import pytest

from pipeline import Exit
from pipeline.cli import main
from conftest import make_project
from serving import Events, Preview

ALPHA = "---\ntitle: Alpha\nlang: en\n---\n\nThe first article.\n\n## A section\n\nMore text.\n"
BOOK = {
    "source/book/publication.yaml": "title: A Book\nlang: en\n",
    "source/book/01-one.md": "# One\n\nFirst chapter.\n",
    "source/book/02-two.md": "# Two\n\nSecond chapter.\n",
}
BROKEN = "---\ntitle: [unclosed\n---\n\nText.\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("serve"), {"source/alpha/article.md": ALPHA, **BOOK})


@pytest.fixture(scope="module")
def preview(project):
    running = Preview(project)
    yield running
    running.kill()


def raw(preview: Preview, path: str, host: str | None = None) -> tuple[int, dict, bytes]:
    """A request sent exactly as written: no client tidies the path."""
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=60)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{preview.port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_the_address_is_on_loopback_with_a_free_port(preview):
    assert preview.url.startswith("http://127.0.0.1:") and preview.port > 0


def test_the_home_page_lists_the_publications_by_title(preview):
    with preview.get("/") as response:
        html = response.read().decode()
    assert "A Book" in html and "Alpha" in html
    assert 'href="/p/book/"' in html and 'href="/p/alpha/edition.pdf"' in html


def test_the_shell_has_the_title_contents_chapter_and_pages(preview):
    with preview.get("/p/book/") as response:
        html = response.read().decode()
    assert "<h1>A Book</h1>" in html
    assert 'href="/p/book/epub/EPUB/text/c-01-one.xhtml#one">One</a>' in html
    assert 'href="/p/book/epub/EPUB/text/c-02-two.xhtml#two">Two</a>' in html
    assert '<iframe id="chapter" name="chapter"' in html and 'src="/p/book/epub/EPUB/text/c-01-one.xhtml"' in html
    assert 'src="/p/book/pages/1.png?v=' in html and 'href="/p/book/edition.pdf"' in html
    assert '<section id="problems" role="alert" hidden>' in html


def test_epub_members_come_from_the_zip_with_the_manifests_media_types(preview):
    with preview.get("/p/book/epub/EPUB/text/c-01-one.xhtml") as response:
        assert response.headers["Content-Type"].startswith("application/xhtml+xml")
        assert "script-src 'none'" in response.headers["Content-Security-Policy"]
        assert "First chapter." in response.read().decode()
    with preview.get("/p/book/epub/EPUB/styles/edition.css") as response:
        assert response.headers["Content-Type"].startswith("text/css")
    with preview.get("/p/book/epub/EPUB/images/cover.png") as response:
        assert response.headers["Content-Type"] == "image/png"
        assert response.read().startswith(b"\x89PNG")


def test_the_print_pages_are_pictures_and_the_pdf_is_served(preview):
    info = preview.json("/p/book/info.json")
    assert info["pdf"]["pages"] and info["epub"]["start"] == "EPUB/text/c-01-one.xhtml"
    with preview.get(f"/p/book/pages/1.png?v={info['pdf']['digest']}") as response:
        assert response.headers["Content-Type"] == "image/png"
        assert response.read().startswith(b"\x89PNG")
    with preview.get("/p/book/edition.pdf") as response:
        assert response.read().startswith(b"%PDF-")
    assert raw(preview, f"/p/book/pages/{len(info['pdf']['pages']) + 1}.png")[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/p/x/epub/../../etc/passwd",
        "/p/book/epub/../../../etc/passwd",
        "/p/book/epub/%2e%2e/%2e%2e/etc/passwd",
        "/p/book/epub/EPUB/text/missing.xhtml",
        "/p/book/epub/EPUB/text/",
        "/p/book/epub//etc/passwd",
        "/p/..%2f..%2fetc%2fpasswd/",
        "/p/nobody/",
        "/p/book/edition.bag.tar",
        "/p/book/edition.txt",
        "/dist/book.pdf",
        "/source/book/01-one.md",
        "/p/book/pages/0.png",
    ],
)
def test_nothing_but_the_outputs_is_served(preview, path):
    status, _headers, body = raw(preview, path)
    assert status == 404, (path, body[:200])
    assert b"root:" not in body


def test_requests_for_another_host_are_refused(preview):
    assert raw(preview, "/p/book/", host=f"attacker.example:{preview.port}")[0] == 400
    assert raw(preview, "/p/book/", host="127.0.0.1:1")[0] == 400
    assert raw(preview, "/p/book/", host=f"localhost:{preview.port}")[0] == 200


def test_a_save_rebuilds_and_tells_the_open_pages(preview, project):
    events = Events(preview)
    try:
        first = events.next("state")
        source = project / "source" / "book" / "01-one.md"
        source.write_text("# One\n\nA sentence written while previewing.\n", encoding="utf-8")
        events.next("building")
        built = events.next("built", lambda s: s["generation"] > first["generation"])
    finally:
        events.close()
    assert built["ok"] and built["built"] == ["book"], "only the publication saved was built"
    with preview.get("/p/book/epub/EPUB/text/c-01-one.xhtml") as response:
        assert "A sentence written while previewing." in response.read().decode()


def test_a_failed_build_shows_each_problem_with_its_file_and_line(preview, project):
    source = project / "source" / "alpha" / "article.md"
    events = Events(preview)
    try:
        events.next("state")
        source.write_text(BROKEN, encoding="utf-8")
        failed = events.next("built", lambda s: not s["ok"])
        [problem] = [d for d in failed["diagnostics"] if d["severity"] == "error"]
        assert problem["file"] == "source/alpha/article.md" and problem["line"] == 2
        assert problem["message"].startswith("malformed YAML")
        with preview.get("/p/alpha/") as response:
            html = response.read().decode()
        assert "<code>source/alpha/article.md:2:17</code>: malformed YAML" in html, html
        with preview.get("/p/alpha/epub/EPUB/text/article.xhtml") as response:
            assert "The first article." in response.read().decode(), "the last good edition is still shown"
        source.write_text(ALPHA.replace("The first", "The mended"), encoding="utf-8")
        mended = events.next("built", lambda s: s["ok"])
    finally:
        events.close()
    assert mended["diagnostics"] == [] and preview.json("/status.json")["ok"]
    with preview.get("/p/alpha/") as response:
        assert '<section id="problems" role="alert" hidden>' in response.read().decode()


def test_a_first_build_that_fails_shows_only_the_problems_and_ctrl_c_ends_with_130(tmp_path):
    project = make_project(tmp_path, {"source/alpha/article.md": BROKEN})
    preview = Preview(project)
    try:
        with preview.get("/") as response:  # one publication: straight to it
            assert response.url.endswith("/p/alpha/")
            html = response.read().decode()
        assert "source/alpha/article.md:2:17" in html and "<iframe" not in html
        assert raw(preview, "/p/alpha/epub/EPUB/text/article.xhtml")[0] == 404
        events = Events(preview)  # an open stream does not keep the server from stopping
        events.next("state")
        assert preview.interrupt() == Exit.INTERRUPTED
        events.close()
        assert "Traceback" not in "\n".join(map(str, preview.err))
    finally:
        preview.kill()


def test_a_project_without_sources_is_a_located_error(tmp_path, capsys):
    assert main(["serve", "-C", str(tmp_path)]) == Exit.INPUT
    err = capsys.readouterr().err
    assert "source: error: no publications found" in err and "Traceback" not in err


def test_an_unknown_publication_is_named(project, capsys):
    assert main(["serve", "-C", str(project), "nobody"]) == Exit.INPUT
    err = capsys.readouterr().err
    assert "no publication named 'nobody'" in err and "alpha, book" in err


def test_a_port_in_use_is_said_plainly(project, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "-C", str(project), "--port", str(port)]) == Exit.USAGE
    err = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 is in use" in err and "--port 0" in err


def test_another_host_is_served_with_a_warning(project, capsys):
    """Told to listen elsewhere, it says so; the port here is taken to stop it before it serves."""
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        assert (
            main(["serve", "-C", str(project), "--host", "0.0.0.0", "--port", str(taken.getsockname()[1])])
            == Exit.USAGE
        )
    assert "warning: serving on 0.0.0.0" in capsys.readouterr().err


def test_urllib_sees_404_not_a_file(preview):
    with pytest.raises(urllib.error.HTTPError) as caught:
        preview.get("/p/book/epub/EPUB/../../../../etc/passwd")
    assert caught.value.code == 404
