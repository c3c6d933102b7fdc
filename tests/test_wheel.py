"""The wheel is the product: built from the checkout, installed into a fresh
virtual environment outside it, it migrates, makes the demo and serves pages
and PDFs with everything found inside the installed package."""

import os
import re
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.helpers import ROOT, free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    [built] = out.glob("assess-*.whl")
    return built


def test_the_wheel_carries_templates_questionnaires_catalogues_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "assess/templates/survey/section.html",
        "assess/templates/print/booklet.html",
        "assess/questionnaires/community-sme-v1.yaml",
        "assess/static/print/print.css",
        "assess/locale/ja/LC_MESSAGES/messages.po",
        "assess/migrations/env.py",
        "assess/migrations/script.py.mako",
        "sdg_map/practices.yaml",
        "sdg_map/data/sdg_targets.json",
    ):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "bench/", "templates/", "questionnaires/")) for n in names)


def installed(wheel: Path, where: Path) -> Path:
    """A fresh virtual environment with the wheel. Its dependencies come from the
    test environment (a path added after its own site-packages), not from the network."""
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    return venv


def test_an_installed_wheel_serves_a_survey_and_a_pdf(wheel, tmp_path, new_database):
    venv = installed(wheel, tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSESS_") and k != "PYTHONPATH"}
    env.update(ASSESS_DATA_DIR=str(work / "data"), ASSESS_DATABASE_URL=new_database("wheel"))

    def run(*args):
        return subprocess.run(
            [str(venv / "bin" / "assess"), *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    where = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import assess, assess.resources as r; print(assess.__file__); print(r.template_dir())",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert all(str(venv) in path for path in where), where  # nothing comes from the checkout
    assert run("db", "upgrade").returncode == 0
    demo = run("demo")
    assert demo.returncode == 0, demo.stderr
    token = re.search(r"/s/([\w-]+)/results", demo.stdout).group(1)
    port = free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "assess"), "serve", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz", server)
        start = httpx.get(base + "/r/saga-2019")
        assert start.status_code == 200 and "佐賀県" in start.text and "回答を始める" in start.text
        assert httpx.get(base + "/static/css/site.css").status_code == 200
        results = httpx.get(f"{base}/s/{token}/results?lang=en")
        assert results.status_code == 200 and "Your results" in results.text
        report = httpx.get(f"{base}/s/{token}/report.pdf", timeout=60)
        assert report.status_code == 200 and report.content.startswith(b"%PDF")
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"assess serve stopped: {server.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")
