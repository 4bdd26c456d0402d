"""Journey 3: an admin imports employees from a CSV file, after a dry run that finds a bad row; a large file
shows a progress bar while a worker runs it; the activation links go once the admin leaves the page."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.e2e.helpers import ADMIN, screenshot, sign_in

HEADER = "email,name,department,site,skills,languages,causes"
GOOD_ROW = "wang.fang@empathy.example,王芳,Finance,shanghai-hq,Accounting:3; 财务审计:2,zh; en,aged_care"
BAD_ROW = "li.qiang(at)empathy.example,李强,Engineering,,光伏安装:4,zh,environment"
FIXED_ROW = BAD_ROW.replace("(at)", "@")
WORKER_TIMEOUT = 60_000  # ms: on a busy machine the worker process takes a while to start
ACTIVATION_URL = re.compile(r"^https?://127\.0\.0\.1:\d+/activate/\S+$")


def _csv(*rows: str) -> dict:
    return {"name": "staff.csv", "mimeType": "text/csv", "buffer": "\n".join((HEADER, *rows, "")).encode()}


def _upload(page, rows: tuple[str, ...], *, dry_run: bool) -> None:
    """Upload from the import page (a job's page links back to it), which leads to the job's page."""
    if not page.url.endswith("/admin/import"):
        page.get_by_role("link", name="Import another file").click()
    page.get_by_label("CSV file").set_input_files(_csv(*rows))
    page.get_by_label("Dry run", exact=False).set_checked(dry_run)
    page.get_by_role("button", name="Upload").click()


def _until_gone(page, url: str, label: str, seconds: float = 10) -> None:
    """Open `url` until the field `label` is no longer on it (the leaving page's beacon is asynchronous)."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        if page.get_by_label(label).count() == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    expect(page.get_by_label(label)).to_have_count(0)


def test_a_large_file_shows_a_progress_bar_until_the_worker_is_done(open_page):
    page = open_page()
    sign_in(page, *ADMIN)
    page.goto("/admin/import")
    rows = tuple(f"bulk{i}@empathy.example,Bulk {i},Finance,shanghai-hq,Accounting:3; 财务审计:2,zh,aged_care"
                 for i in range(4000))
    _upload(page, rows, dry_run=True)
    page.wait_for_url(re.compile(r"/admin/imports/\d+$"))
    bar = page.get_by_role("progressbar")
    expect(bar).to_be_visible()
    expect(page.locator("#import-count")).to_contain_text("of 4,000 rows")
    screenshot(page, "admin-import-progress")
    # The page follows the job by itself (it polls the status) and shows the result when the worker is done.
    expect(page.get_by_role("heading", name="Dry run: the file is fine, nothing was written")).to_be_visible(
        timeout=90_000)
    expect(page.get_by_text("Accounts to create: 4,000")).to_be_visible()
    expect(bar).to_have_count(0)


def test_admin_imports_employees_after_fixing_a_bad_row(open_page):
    page = open_page()
    sign_in(page, *ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import employees")

    # The dry run finds the bad row and names its line (the header is line 1).
    _upload(page, (GOOD_ROW, BAD_ROW), dry_run=True)
    # A worker runs the import; the page follows it (the first job waits for the worker to start).
    expect(page.get_by_role("heading", name="Nothing was imported. Problems to fix: 1")).to_be_visible(
        timeout=WORKER_TIMEOUT)
    problem = page.get_by_role("row").filter(has_text="li.qiang(at)empathy.example")
    expect(problem.get_by_role("cell").nth(0)).to_have_text("3")
    expect(problem.get_by_role("cell").nth(1)).to_have_text("email")
    expect(problem).to_contain_text("is not a valid email address")
    screenshot(page, "admin-import")

    # Fixed, the dry run passes and writes nothing.
    _upload(page, (GOOD_ROW, FIXED_ROW), dry_run=True)
    expect(page.get_by_role("heading", name="Dry run: the file is fine, nothing was written")).to_be_visible(
        timeout=WORKER_TIMEOUT)
    expect(page.get_by_text("Accounts to create: 2")).to_be_visible()
    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Users").click()
    page.get_by_label("Name or email").fill("li.qiang@empathy.example")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="li.qiang@empathy.example")).to_have_count(0)

    # The real import creates both accounts, with an activation link for each.
    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Import").click()
    _upload(page, (GOOD_ROW, FIXED_ROW), dry_run=False)
    expect(page.get_by_role("heading", name="Import done")).to_be_visible(timeout=WORKER_TIMEOUT)
    expect(page.get_by_text("Accounts created: 2")).to_be_visible()
    expect(page.get_by_label("Activation link for 李强")).to_have_value(ACTIVATION_URL)
    job_url = page.url

    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Users").click()
    page.get_by_label("Name or email").fill("li.qiang@empathy.example")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("row").filter(has_text="li.qiang@empathy.example")).to_contain_text("李强")

    # The links were kept for this admin until they left the page (for Users, above): back on it, they are gone.
    _until_gone(page, job_url, "Activation link for 李强")
    expect(page.get_by_text("Accounts created: 2")).to_be_visible()

    # Importing the same file again changes nothing.
    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Import").click()
    _upload(page, (GOOD_ROW, FIXED_ROW), dry_run=False)
    expect(page.get_by_text("Unchanged: 2")).to_be_visible(timeout=WORKER_TIMEOUT)

