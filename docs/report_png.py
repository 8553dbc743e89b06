"""Regenerate `docs/report.png`: the seeds' HTML report, overview above, one document below.

python docs/report_png.py          # needs chromium and Pillow (pip install pillow)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from cleanpipe.pipeline import Pipeline
from cleanpipe.report.html import write_report
from cleanpipe.runs.directory import RunOptions, run_directory

ROOT = Path(__file__).resolve().parents[1]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def shoot(url: str, target: Path, size: str, profile: Path) -> Image.Image:
    browser = shutil.which("chromium") or sys.exit("chromium is not installed")
    subprocess.run(
        [
            browser,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={target}",
            f"--window-size={size}",
            url,
        ],
        check=True,
        capture_output=True,
    )
    return Image.open(target).convert("RGB")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out = work / "out"
        run_directory(ROOT / "fixtures" / "sample", out, Pipeline.default(), RunOptions(workers=1))
        report = write_report(out).path
        profile = work / "profile"
        overview = shoot((report / "index.html").as_uri(), work / "a.png", "1280,900", profile)
        document = shoot(
            (report / "docs/000/000001.html").as_uri(), work / "b.png", "1280,700", profile
        )
        overview = overview.crop((0, 0, 1280, 745))
        sheet = Image.new("RGB", (1280, overview.height + document.height + 6), "#111827")
        sheet.paste(overview, (0, 0))
        sheet.paste(document, (0, overview.height + 6))
        sheet = sheet.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
        sheet.save(ROOT / "docs" / "report.png", optimize=True)
    print(ROOT / "docs" / "report.png")


if __name__ == "__main__":
    main()
