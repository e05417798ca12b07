"""`pressroom serve` in a real browser: Debian's Chromium, headless, driven by
selenium through chromedriver. The page must show the chapter, follow a save
without being reloaded, and show a broken source's problem with its line.

With PRESSROOM_SCREENSHOTS naming a folder, the chapter view, the PDF view and
the error view are saved there as pictures.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import make_project
from serving import Preview

WAIT = 120  # seconds: a busy machine rebuilds slowly; nothing waits longer than needed
ARTICLE = (
    "---\ntitle: Field Notes\nlang: en\n---\n\nThe river rose in the night.\n\n"
    "## Morning\n\nBy dawn the lower road was under water.\n"
)


def _browser_paths() -> tuple[str, str]:
    browser = (
        os.environ.get("PUPPETEER_EXECUTABLE_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
    )
    # Not skipped: `make test` installs both (tools/system-deps.sh test).
    assert browser and driver, (
        "the preview's browser tests need Chromium and chromedriver: run 'make setup-test' "
        f"(found browser={browser}, driver={driver})"
    )
    return browser, driver


@pytest.fixture
def browser():
    binary, driver = _browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,900",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(flag)
    chrome = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    chrome.set_page_load_timeout(WAIT)
    yield chrome
    chrome.quit()


@pytest.fixture
def preview(tmp_path):
    running = Preview(make_project(tmp_path / "project", {"source/field-notes/article.md": ARTICLE}))
    yield running
    running.kill()


def _screenshot(chrome, name: str) -> None:
    folder = os.environ.get("PRESSROOM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert chrome.save_screenshot(str(Path(folder) / f"{name}.png"))


def _chapter_text(chrome) -> str:
    """The text of the document in the chapter frame ('' while it loads)."""
    chrome.switch_to.default_content()
    try:
        frame = chrome.find_element(By.ID, "chapter")
        chrome.switch_to.frame(frame)
        return chrome.find_element(By.TAG_NAME, "body").text
    except Exception:  # noqa: BLE001 - replaced or loading: look again
        return ""
    finally:
        chrome.switch_to.default_content()


def _problems(chrome) -> str:
    panel = chrome.find_element(By.ID, "problems")
    return panel.text if panel.is_displayed() else ""


def test_the_page_shows_the_chapter_follows_saves_and_shows_errors(preview, browser, tmp_path):
    source = preview.project / "source" / "field-notes" / "article.md"
    wait = WebDriverWait(browser, WAIT, poll_frequency=0.2)
    browser.get(preview.url)
    wait.until(lambda b: b.current_url.endswith("/p/field-notes/"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Field Notes"
    wait.until(lambda b: "The river rose in the night." in _chapter_text(b))
    assert "Morning" in browser.find_element(By.ID, "toc").text
    wait.until(
        lambda b: b.execute_script(
            "const i = document.querySelector('#pages img'); return i && i.complete && i.naturalWidth > 0"
        )
    )
    # A mark on this page: still there after the save, so the page was not reloaded.
    browser.execute_script("window.pressroomTestMark = 1")
    _screenshot(browser, "chapter-view")

    source.write_text(
        ARTICLE.replace("The river rose in the night.", "The river fell before morning."), encoding="utf-8"
    )
    wait.until(lambda b: "The river fell before morning." in _chapter_text(b))
    assert browser.execute_script("return window.pressroomTestMark") == 1, "the page reloaded itself whole"

    browser.find_element(By.CSS_SELECTOR, '.views button[data-view="pdf"]').click()
    wait.until(lambda b: not b.find_element(By.ID, "chapter").is_displayed())
    wait.until(
        lambda b: b.execute_script(
            "const i = document.querySelector('#pages img'); return i && i.complete && i.naturalWidth > 0"
        )
    )
    _screenshot(browser, "pdf-view")
    browser.find_element(By.CSS_SELECTOR, '.views button[data-view="both"]').click()

    source.write_text("---\ntitle: [Field Notes\n---\n\nThe river fell before morning.\n", encoding="utf-8")
    wait.until(lambda b: "source/field-notes/article.md:2" in _problems(b))
    assert "malformed YAML" in _problems(browser)
    assert browser.execute_script("return window.pressroomTestMark") == 1
    _screenshot(browser, "error-view")

    source.write_text(ARTICLE.replace("The river rose in the night.", "The water went down by noon."), encoding="utf-8")
    wait.until(lambda b: _problems(b) == "")
    wait.until(lambda b: "The water went down by noon." in _chapter_text(b))
    assert browser.execute_script("return window.pressroomTestMark") == 1
