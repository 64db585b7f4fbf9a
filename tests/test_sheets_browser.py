"""examples/00-from-a-spreadsheet.ipynb in a real JupyterLab and headless Chromium: the notebook
runs top to bottom, and the upload button imports a workbook chosen in the browser (a good
one: its report; a bad one: its errors, escaped, and nothing imported).

Needs Debian's chromium (installed by `make test`). In CI a missing browser fails these
tests; elsewhere they are skipped with a reason.
"""

from __future__ import annotations

import time

import openpyxl
import pytest
from browsing import in_kernel, open_example, run_all, screenshot_path

from conftest import EXAMPLES

pytestmark = pytest.mark.browser


def test_the_spreadsheet_notebook_and_its_upload_button(lab, browser, tmp_path):
    dialogs: list[str] = []
    page = open_example(browser, lab, "00-from-a-spreadsheet.ipynb", "sheets", dialogs)
    run_all(page)
    page.wait_for_function("() => document.body.innerText.includes('social app store')", timeout=180_000)
    end = time.monotonic() + 120
    while "True" not in in_kernel(page, "print(sheet_rows(kg_connect.import_sheets(None, back).graph) == "
                                        "sheet_rows(kg))") and time.monotonic() < end:
        time.sleep(1)
    button = page.locator("button.widget-upload").first
    button.scroll_into_view_if_needed(timeout=60_000)

    def choose(path) -> None:  # as a person does: click the button, pick the file
        button.scroll_into_view_if_needed()
        with page.expect_file_chooser() as chooser:
            button.click()
        chooser.value.set_files(str(path))

    # a workbook with a mistake and a hostile name: nothing imported, the error shown as text
    bad = tmp_path / "camp <b>.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "events"
    book.active.append(["name", "date", "attendees"])
    book.active.append(["Camp", "31/02/2012", "<img src=x onerror=alert(1)>"])
    book.save(bad)
    before = in_kernel(page, "print(len(kg))").strip()
    choose(bad)
    page.wait_for_function("() => document.body.innerText.includes('Nothing was imported from camp <b>.xlsx')",
                           timeout=60_000)
    text = page.locator(".jupyter-widgets .widget-html-content").filter(has_text="Nothing was imported").inner_text()
    assert "events!B2" in text and '"31/02/2012" is not a date' in text and "<img src=x onerror=alert(1)>" in text
    assert page.locator(".jupyter-widgets img").count() == 0 and not dialogs
    assert in_kernel(page, "print(len(kg))").strip() == before
    # the story's workbook, chosen in the browser: imported, its report shown
    (tmp_path / "mine.xlsx").write_bytes((EXAMPLES / "data" / "story.xlsx").read_bytes())
    choose(tmp_path / "mine.xlsx")
    page.wait_for_function("() => document.body.innerText.includes('urn:kg-connect:sheets:mine')", timeout=60_000)
    assert int(in_kernel(page, "print(len(kg))").strip()) > int(before)
    page.locator(".jupyter-widgets .widget-html-content").filter(has_text="urn:kg-connect:sheets:mine").first \
        .scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_path(lab, "sheets-upload.png")))
    page.close()
