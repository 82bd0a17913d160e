"""The continuous-deployment workflows build with ``python build.py build --deploy`` (placeholders refused) and
publish what it built."""

from __future__ import annotations

import yaml

from conftest import REPO


def test_gitlab_pages_job_builds_and_publishes_the_site_as_public() -> None:
    job = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text("utf-8"))["pages"]
    assert job["script"][-2:] == ["python build.py build --deploy", "mv site public"]
    assert job["artifacts"]["paths"] == ["public"]


def test_github_pages_workflow_builds_uploads_site_and_deploys() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text("utf-8"))
    build_steps = workflow["jobs"]["build"]["steps"]
    assert {"run": "python build.py build --deploy"} in build_steps
    upload = next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_ci_and_both_workflows_install_what_the_catalogue_pdf_needs_before_building() -> None:
    """The Debian packages that the build's message names when Pango is missing (``outputs/catalogue.py``)."""
    from vitrine.outputs.catalogue import PANGO_PACKAGES

    gitlab = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text("utf-8"))["pages"]["script"]
    github = [step.get("run", "") for step in
              yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text("utf-8"))["jobs"]["build"]["steps"]]
    for steps in (gitlab, github):
        install = next(i for i, step in enumerate(steps) if "apt-get install" in step)
        assert all(package in steps[install] for package in PANGO_PACKAGES.split() + ["fonts-dejavu-core"])
        assert install < next(i for i, step in enumerate(steps) if "pip install" in step)
    assert f"missing+=({PANGO_PACKAGES})" in (REPO / ".ci" / "run").read_text("utf-8")


def test_both_workflows_keep_the_vitrine_cache_between_runs_so_a_deploy_remakes_only_changed_pdfs() -> None:
    """A deploy has no site/: the catalogue PDFs come from ``.vitrine-cache/catalogues/`` (``outputs/catalogue_cache.py``),
    restored before the build."""
    gitlab = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text("utf-8"))["pages"]
    assert gitlab["cache"]["paths"] == [".vitrine-cache/"] and gitlab["cache"]["key"]
    steps = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text("utf-8"))["jobs"]["build"]["steps"]
    cache = next(i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/cache@v"))
    assert steps[cache]["with"]["path"] == ".vitrine-cache"
    # A new key per commit (a cache is never overwritten), restored from the newest one when the commit is new
    assert "github.sha" in steps[cache]["with"]["key"]
    assert steps[cache]["with"]["key"].startswith(steps[cache]["with"]["restore-keys"])
    assert cache < steps.index({"run": "python build.py build --deploy"})
