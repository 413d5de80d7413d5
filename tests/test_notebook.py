"""Notebooks (issue 16): ``fetch_article_sync`` and ``crawl_sync`` inside a running event loop
(what a Jupyter cell has), and ``examples/first-look.ipynb`` run top to bottom in a real
ipykernel kernel.

The kernel is this interpreter (``sys.executable``, through a kernelspec written for the
test, so no ``ipykernel install`` step is needed and no other ``python3`` kernelspec on the
machine is picked up), started in a scratch folder outside the repository: the notebook
reads only the installed package. Everything it fetches is served on 127.0.0.1.
"""

from __future__ import annotations

import _thread
import asyncio
import gc
import json
import re
import shutil
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ipykernel  # noqa: F401  (the kernel: missing, it fails here, not as a dead kernel)
import nbclient
import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

import scraper
from fixture_checks import FIXTURES
from scraper.config import FetchOptions
from scraper.demo.mirror import Mirror, Scripted

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "first-look.ipynb"
FAST = FetchOptions(delay=0.0, retries=0)
FIRST_ID = 4001
EN_PAGES = sorted(path for path in (FIXTURES / "pages").glob("*.html")
                  if not path.name.startswith("fr-"))[:4]


# The _sync functions inside a running loop -------------------------------------------------

@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    """A few English items 4001, 4002... and a listing, on 127.0.0.1."""
    folder = tmp_path / "site" / "en" / "actualites" / "view"
    folder.mkdir(parents=True)
    for position, page in enumerate(EN_PAGES):
        shutil.copy(page, folder / f"{FIRST_ID + position}.html")
    (folder.parent / "index_actu.html").write_text(
        "<ul>" + "".join(f'<li><a href="/en/actualites/view/{FIRST_ID + position}">item</a>'
                         for position in range(len(EN_PAGES))) + "</ul>", "utf-8")
    (tmp_path / "site" / "robots.txt").write_text("User-agent: *\nAllow: /\n", "utf-8")
    with Mirror(tmp_path / "site") as running:
        yield running


def _settings(mirror: Mirror) -> scraper.CrawlSettings:
    return scraper.CrawlSettings(base_url=mirror.base_url, languages=("en",), first_id=FIRST_ID,
                                 last_id=FIRST_ID + len(EN_PAGES) - 1)


def _summary(articles: list[scraper.Article]) -> list[tuple[str, str, str]]:
    return sorted((article.canonical_url, article.title, article.text) for article in articles)


def _runtime_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(warning.message) for warning in caught
            if issubclass(warning.category, RuntimeWarning)]


def test_sync_functions_work_inside_a_running_loop(mirror: Mirror) -> None:
    """The same records as outside a loop, where they used to raise ConfigError (and leave
    the coroutine never awaited)."""
    url = f"{mirror.base_url}/en/actualites/view/{FIRST_ID}"
    outside = _summary(scraper.crawl_sync(_settings(mirror), options=FAST))
    assert len(outside) == len(EN_PAGES)

    async def inside() -> tuple[list[scraper.Article], scraper.Article, str]:
        caller = threading.current_thread().name
        articles = scraper.crawl_sync(_settings(mirror), options=FAST)
        article = scraper.fetch_article_sync(url, profile="cemr", options=FAST)
        await asyncio.sleep(0)  # the caller's loop is still usable afterwards
        return articles, article, caller

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        articles, article, caller = asyncio.run(inside())
        gc.collect()
    assert _runtime_warnings(caught) == []
    assert caller == threading.main_thread().name
    assert _summary(articles) == outside
    assert article.item_id == str(FIRST_ID) and article.fetch is not None
    assert not [thread for thread in threading.enumerate() if thread.name == "scraper-sync"]


def test_exceptions_come_back_unchanged_inside_a_running_loop(mirror: Mirror) -> None:
    missing = f"{mirror.base_url}/en/actualites/view/999"

    async def inside() -> list[BaseException]:
        raised: list[BaseException] = []
        for call in (lambda: scraper.fetch_article_sync(missing, profile="cemr", options=FAST),
                     lambda: scraper.fetch_article_sync("ftp://127.0.0.1/x"),
                     lambda: scraper.crawl_sync(scraper.CrawlSettings(site="nope"))):
            with pytest.raises(scraper.ScraperError) as error:
                call()
            raised.append(error.value)
        return raised

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fetch_error, input_error, crawl_error = asyncio.run(inside())
        gc.collect()
    assert _runtime_warnings(caught) == []
    assert type(fetch_error) is scraper.FetchError and isinstance(fetch_error, scraper.FetchError)
    assert (fetch_error.status, fetch_error.url) == (404, missing)
    assert str(fetch_error) == f"{missing}: HTTP 404"
    assert type(input_error) is scraper.InputError and "ftp://127.0.0.1/x" in str(input_error)
    assert type(crawl_error) is scraper.ProfileError
    with pytest.raises(scraper.ProfileError) as outside:  # as outside a loop
        scraper.crawl_sync(scraper.CrawlSettings(site="nope"))
    assert str(outside.value) == str(crawl_error)


class SlowSite:
    """40 English items on a slow server (0.1 s an item), noting when each item request
    arrives; ``first`` is set at the first one (the crawl is under way)."""

    def __init__(self, root: Path, on_first: Callable[[], None] = lambda: None) -> None:
        folder = root / "en" / "actualites" / "view"
        folder.mkdir(parents=True)
        for number in range(FIRST_ID, FIRST_ID + 40):
            shutil.copy(EN_PAGES[0], folder / f"{number}.html")
        self.mirror = Mirror(root, app=self.answer)
        self.arrivals: list[float] = []
        self.first = threading.Event()
        self.on_first = on_first

    def answer(self, path: str, query: dict[str, list[str]]) -> Scripted | None:
        if "/view/" in path:
            self.arrivals.append(time.monotonic())
            if not self.first.is_set():
                self.first.set()
                self.on_first()
            time.sleep(0.1)
        return None  # the file


SLOW_CRAWL = ("scraper.crawl_sync(scraper.CrawlSettings(base_url={base_url!r}, "
              "languages=('en',), first_id={first}, last_id={last}), "
              "options=FetchOptions(delay=0.0, per_host=1))")
"""A crawl of the slow site, as a kernel is asked to run it (one request at a time)."""


def _slow_crawl(base_url: str) -> str:
    return SLOW_CRAWL.format(base_url=base_url, first=FIRST_ID, last=FIRST_ID + 39)


def test_ctrl_c_inside_a_running_loop_cancels_the_crawl(tmp_path: Path) -> None:
    """Ctrl-C while a crawl_sync waits: KeyboardInterrupt at once, the crawl cancelled (no
    request after it), its thread gone, nothing left un-awaited. The caller's loop is a
    plain one, as in a Jupyter kernel (asyncio.run would turn the first Ctrl-C into a
    cancellation of its own task)."""
    site = SlowSite(tmp_path / "site", on_first=_thread.interrupt_main)
    loop = asyncio.new_event_loop()
    with site.mirror, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        settings = scraper.CrawlSettings(base_url=site.mirror.base_url, languages=("en",),
                                         first_id=FIRST_ID, last_id=FIRST_ID + 39)

        async def call() -> None:
            scraper.crawl_sync(settings, options=FetchOptions(delay=0.0, per_host=1))

        with pytest.raises(KeyboardInterrupt):
            loop.run_until_complete(call())
        stopped = time.monotonic()
        time.sleep(0.5)
        loop.close()
        gc.collect()
    assert site.arrivals and stopped - site.arrivals[0] < 5
    assert max(site.arrivals) < stopped, "the crawl went on after Ctrl-C"
    assert len(site.arrivals) < 20
    assert not [thread for thread in threading.enumerate() if thread.name == "scraper-sync"]
    assert _runtime_warnings(caught) == []


def test_no_thread_to_run_on_leaves_no_coroutine_behind(
        mirror: Mirror, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    async def inside() -> None:
        monkeypatch.setattr(threading.Thread, "start", refuse)
        try:
            with pytest.raises(RuntimeError, match="can't start new thread"):
                scraper.crawl_sync(_settings(mirror), options=FAST)
        finally:
            monkeypatch.undo()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(inside())
        gc.collect()
    assert _runtime_warnings(caught) == [] and mirror.log == []


# The example notebook in a real kernel -----------------------------------------------------

PROBE = """
import asyncio, json, os, sys
try:
    asyncio.get_running_loop()
    loop_running = True
except RuntimeError:
    loop_running = False
print("PROBE " + json.dumps({
    "executable": sys.executable, "cwd": os.getcwd(), "scraper": scraper.__file__,
    "loop_running": loop_running, "records": len(articles), "items": df["item_id"].nunique(),
    "languages": df["language"].value_counts().to_dict()}))
"""


@contextmanager
def _kernel_manager(scratch: Path) -> Iterator[KernelManager]:
    """A kernel manager whose ``python3`` kernel is this interpreter (a kernelspec of its
    own: no install step, no other ``python3`` kernelspec on the machine), with a scratch
    IPython profile and runtime folder (the kernel inherits the environment)."""
    spec = scratch / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (scraper tests)", "language": "python",
        "metadata": {"debugger": False}}), "utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(spec.parent)], ensure_native_kernel=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IPYTHONDIR", str(scratch / "ipython"))  # no user profile or history
        patch.setenv("JUPYTER_RUNTIME_DIR", str(scratch / "runtime"))
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")
        patch.delenv("PYTHONPATH", raising=False)
        yield KernelManager(kernel_name="python3", kernel_spec_manager=specs)


def _text(cell: Any) -> str:
    """Everything a cell showed as plain text (streams and results)."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def _html(cell: Any) -> str:
    return "\n".join(output.data.get("text/html", "") for output in cell.outputs
                     if output.output_type in ("execute_result", "display_data"))


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any],
                                                                 float]:
    """The notebook run top to bottom in a fresh kernel in a scratch folder, then a probe
    cell: (the cells by id, what the probe saw, seconds taken)."""
    scratch = tmp_path_factory.mktemp("notebook")
    workdir = scratch / "cwd"
    workdir.mkdir()
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE, id="probe"))
    with _kernel_manager(scratch) as kernel:
        client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                         km=kernel,
                                         resources={"metadata": {"path": str(workdir)}})
        started = time.monotonic()
        client.execute(cleanup_kc=True)  # our kernel manager: shut down and closed here too
        seconds = time.monotonic() - started
    cells = {cell.id: cell for cell in notebook.cells}
    probe = json.loads(_text(cells["probe"]).split("PROBE ", 1)[1])
    return cells, probe, seconds


def test_notebook_runs_in_this_interpreter_outside_the_repository(
        executed: tuple[dict[str, Any], dict[str, Any], float]) -> None:
    cells, probe, seconds = executed
    assert Path(probe["executable"]).resolve() == Path(sys.executable).resolve()
    # The installed package: this checkout when installed editable, else (CI installs the
    # checkout with pip) its copy in site-packages; never a checkout found through the cwd.
    installed = Path(probe["scraper"]).resolve()
    assert installed == Path(scraper.__file__).resolve() or "site-packages" in installed.parts
    cwd = Path(probe["cwd"]).resolve()
    assert cwd.name == "cwd" and ROOT not in cwd.parents
    assert probe["loop_running"], "the cells ran outside an event loop: nothing was tested"
    assert seconds < 60
    for cell in cells.values():
        if cell.cell_type == "code":
            assert cell.execution_count is not None
            assert not [output for output in cell.outputs if output.output_type == "error"]
            assert not [output for output in cell.outputs
                        if output.output_type == "stream" and output.name == "stderr"], \
                _text(cell)


def test_notebook_answers_its_questions(
        executed: tuple[dict[str, Any], dict[str, Any], float]) -> None:
    cells, probe, _ = executed
    records = probe["records"]

    crawled = re.search(r"^(\d+) records crawled from http://127\.0\.0\.1:\d+ in ",
                        _text(cells["crawl"]), re.M)
    assert crawled is not None and int(crawled.group(1)) == records > 100
    assert f"{records} records, {probe['items']} items" in _text(cells["frame"])
    assert "<table" in _html(cells["frame"])  # a rich DataFrame display

    languages = dict(re.findall(r"^(en|fr)\s+(\d+)\s*$", _text(cells["per-language"]), re.M))
    assert set(languages) == {"en", "fr"}
    assert {language: int(count) for language, count in languages.items()} == \
        probe["languages"]
    assert sum(map(int, languages.values())) == records

    undated = re.search(r"^(\d+) records without a date: theme page$", _text(cells["per-year"]),
                        re.M)
    assert undated is not None and int(undated.group(1)) == 10  # the demo's theme pages
    years = re.findall(r"^(\d{4})\s+(\d+)\s+(\d+)\s*$", _text(cells["per-year"]), re.M)
    assert len(years) >= 3 and all(2000 < int(year) < 2100 for year, _, _ in years)
    assert sum(int(count) for _, count, _ in years) == records - int(undated.group(1))
    assert sum(int(items) for _, _, items in years) <= probe["items"]
    assert all(int(items) <= int(count) for _, count, items in years)

    sections = _text(cells["per-section"])
    header = sections.splitlines()[0].split()
    assert header[-3:] == ["en", "fr", "total"]
    totals = [int(line.split()[-1]) for line in sections.splitlines()[2:]]
    assert len(totals) == 10 and totals == sorted(totals, reverse=True) and totals[0] > 1

    speakers = re.findall(r"^(\S.*?)\s+(\d+)\s+(\d+)\s*$", _text(cells["speakers"]), re.M)
    assert len(speakers) == 10
    counts = [int(quotes) for _, quotes, _ in speakers]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1

    word = _text(cells["word"])
    found = re.search(rf"^(\d+) of {records} records mention 'climate'$", word, re.M)
    assert found is not None and int(found.group(1)) >= 1
    rows = [line for line in word.splitlines()  # a theme page has no date (NaT)
            if re.match(r"^\d+\s+(\d{4}-\d\d-\d\d|NaT)\s", line)]
    assert len(rows) == int(found.group(1))


def test_interrupting_the_kernel_cancels_a_crawl_sync(tmp_path: Path) -> None:
    """The kernel's interrupt (Jupyter's stop button) during a crawl_sync in a cell: the
    cell fails with KeyboardInterrupt, the crawl stops, the kernel goes on."""
    site = SlowSite(tmp_path / "site")
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    with site.mirror, _kernel_manager(tmp_path) as kernel:
        kernel.start_kernel(cwd=str(workdir))
        client = kernel.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            setup = client.execute_interactive(
                "import threading, scraper\nfrom scraper.config import FetchOptions",
                timeout=60, output_hook=lambda message: None)
            assert setup["content"]["status"] == "ok"
            crawl = client.execute("articles = " + _slow_crawl(site.mirror.base_url))
            assert site.first.wait(30), "the crawl did not start"
            kernel.interrupt_kernel()
            reply = client.get_shell_msg(timeout=30)
            stopped = time.monotonic()
            assert reply["parent_header"]["msg_id"] == crawl
            assert (reply["content"]["status"], reply["content"]["ename"]) == \
                ("error", "KeyboardInterrupt")
            shown = _iopub(client, crawl)
            time.sleep(0.5)
            after: list[str] = []
            check = client.execute_interactive(
                "print(sorted(thread.name for thread in threading.enumerate()), "
                "'articles' in globals())", timeout=30,
                output_hook=lambda message: after.append(message["content"].get("text", "")))
        finally:
            client.stop_channels()
            kernel.shutdown_kernel(now=True)
    assert stopped - site.arrivals[0] < 5 and max(site.arrivals) < stopped
    assert len(site.arrivals) < 20
    assert not [text for text in shown if "never awaited" in text or "Warning" in text], shown
    assert check["content"]["status"] == "ok"
    assert "scraper-sync" not in "".join(after) and "False" in "".join(after)


def _iopub(client: Any, msg_id: str) -> list[str]:
    """The text a cell showed (streams and the error's name), until the kernel is idle."""
    shown = []
    while True:
        message = client.get_iopub_msg(timeout=30)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        content = message["content"]
        if message["msg_type"] == "stream":
            shown.append(content["text"])
        elif message["msg_type"] == "error":
            shown.append(content["ename"])
        elif message["msg_type"] == "status" and content["execution_state"] == "idle":
            return shown
