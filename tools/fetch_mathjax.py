"""Put a pinned MathJax into ``_vendor/mathjax/``, so the website serves its own.

The book's pages load MathJax from ``mathjax/tex-mml-chtml.js`` at the site's
root (``html_extra_path`` and ``mathjax_path`` in ``_config.yml``), not from a
CDN, so the website also works offline, e.g. in a classroom with a poor
network. ``make book`` runs this script first; it does nothing when the pinned
version is already there.

It fetches the ``mathjax`` package from the npm registry with npm's own client
(``npm pack``), checks the tarball against the sha512 digest pinned below
(the ``integrity`` that the registry publishes), and unpacks the package's
``es5/`` folder: the combined component ``tex-mml-chtml.js`` plus the pieces it
loads on demand (TeX extensions, fonts, the accessibility menu).
``_vendor/.gitignore`` keeps the unpacked files out of git.

Usage: python tools/fetch_mathjax.py
"""
import base64
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "3.2.2"
INTEGRITY = ("sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/"
             "FEsPsjKPZGJvtRZM1vO+geW0OhGw==")
ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "_vendor" / "mathjax"
ENTRY = "tex-mml-chtml.js"  # must match mathjax_path in _config.yml
STAMP = TARGET / ".version"  # written last: a half-unpacked folder is redone


def integrity(data):
    """The npm ``integrity`` string of a tarball: ``sha512-`` + base64 digest."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def download():
    """Fetch the pinned tarball with ``npm pack`` and return its bytes."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("fetch_mathjax: npm must be installed (Debian: apt-get install -y npm); got none on PATH.")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, "pack", f"mathjax@{VERSION}", "--silent", "--pack-destination", tmp],
                       check=True, stdout=subprocess.DEVNULL)
        (tarball,) = Path(tmp).glob("*.tgz")
        return tarball.read_bytes()


def unpack(data, target):
    """Extract ``package/es5/*`` of the tarball into ``target``."""
    prefix = "package/es5/"
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = []
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith(prefix):
                member.name = member.name[len(prefix):]
                members.append(member)
        tar.extractall(target, members=members, filter="data")  # "data": no absolute paths, no links out


def main():
    if STAMP.is_file() and STAMP.read_text().strip() == VERSION and (TARGET / ENTRY).is_file():
        return
    data = download()
    got = integrity(data)
    if got != INTEGRITY:
        sys.exit(f"fetch_mathjax: the mathjax@{VERSION} tarball must have integrity {INTEGRITY}; got {got}.")
    shutil.rmtree(TARGET, ignore_errors=True)
    unpack(data, TARGET)
    if not (TARGET / ENTRY).is_file():
        sys.exit(f"fetch_mathjax: the mathjax@{VERSION} package must contain es5/{ENTRY}; got none.")
    STAMP.write_text(VERSION + "\n")
    print(f"fetch_mathjax: MathJax {VERSION} unpacked into {TARGET.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
