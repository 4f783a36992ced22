"""Build Resource Reader as a desktop program people can install without Python.

    python packaging/build.py [--dist DIR] [--skip-installer] [--check]

Needs the app's dependencies and PyInstaller in the running Python
(`pip install '.[bundle]'`). On every system it makes the one-folder bundle
`dist/reader-app/` (executable `reader-app`; on Windows also `reader-app-cli.exe`
for the command line), checks that it starts (`--version`, `doctor --offscreen`)
and reports its size. Then, by system:

- Linux: a tarball with the bundle, desktop file, AppStream metainfo, MIME type,
  icons and install/uninstall scripts (packaging/linux/).
- Windows: an installer made with Inno Setup's `iscc` from packaging/windows/, if
  Inno Setup 6 is installed (otherwise says where to get it).
- macOS: `Resource Reader.app` (Info.plist from packaging/pyinstaller/macos.py) and,
  where `hdiutil` exists, a disk image.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
REPO = PACKAGING.parent
SPEC = PACKAGING / "pyinstaller" / "reader-app.spec"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(PACKAGING))

from identity import APP_NAME, EXECUTABLE  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=REPO / "dist", help="output folder")
    parser.add_argument(
        "--skip-installer", action="store_true", help="the bundle only, no tarball/installer"
    )
    parser.add_argument("--check", action="store_true", help="only check an existing bundle")
    args = parser.parse_args(argv)
    dist: Path = args.dist.resolve()
    bundle = dist / EXECUTABLE
    if not args.check:
        build_bundle(dist)
    check_bundle(bundle)
    print(f"bundle: {bundle} ({folder_size(bundle) / 1e6:.0f} MB)")
    if args.skip_installer or args.check:
        return 0
    made = make_installer(dist, bundle)
    for path in made:
        print(f"made:   {path} ({folder_size(path) / 1e6:.0f} MB)")
    return 0


def build_bundle(dist: Path) -> None:
    try:
        import PyInstaller.__main__ as pyinstaller
    except ImportError:
        sys.exit("PyInstaller is not installed here: pip install '.[bundle]'")
    work = dist / ".work"  # inside dist/, so a build leaves nothing else in the checkout
    started = time.perf_counter()
    pyinstaller.run(
        [str(SPEC), "--noconfirm", "--clean", "--distpath", str(dist), "--workpath", str(work)]
    )
    shutil.rmtree(work, ignore_errors=True)
    print(f"built in {time.perf_counter() - started:.0f} s")


def executable(bundle: Path, name: str = EXECUTABLE) -> Path:
    return bundle / (f"{name}.exe" if os.name == "nt" else name)


def check_bundle(bundle: Path) -> None:
    """The bundle starts and passes its own self-check, offscreen and in a data folder
    of its own (never the builder's)."""
    program = executable(bundle, "reader-app-cli" if os.name == "nt" else EXECUTABLE)
    if not program.exists():
        sys.exit(f"no bundle at {bundle}: build it first")
    scratch = bundle.parent / ".check-data"
    shutil.rmtree(scratch, ignore_errors=True)
    env = {**os.environ, "READER_APP_DATA_DIR": str(scratch), "QT_QPA_PLATFORM": "offscreen"}
    try:
        for command in (["--version"], ["doctor", "--offscreen"]):
            done = subprocess.run(
                [str(program), *command], env=env, capture_output=True, text=True, timeout=300
            )
            print(f"$ {program.name} {' '.join(command)}\n{done.stdout.rstrip()}")
            if done.returncode != 0:
                sys.exit(f"the bundle failed '{' '.join(command)}':\n{done.stderr}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def make_installer(dist: Path, bundle: Path) -> list[Path]:
    from reader_app import __version__

    system = platform.system()
    if system == "Linux":
        from linux.make_tarball import make_tarball

        return [make_tarball(bundle, dist, __version__)]
    if system == "Windows":
        iscc = shutil.which("iscc") or _inno_setup()
        if iscc is None:
            print("Inno Setup 6 is not installed (https://jrsoftware.org/isinfo.php): no installer")
            return []
        subprocess.run(
            [
                iscc,
                f"/DAppVersion={__version__}",
                f"/DBundleDir={bundle}",
                f"/DOutputDir={dist}",
                str(PACKAGING / "windows" / "reader-app.iss"),
            ],
            check=True,
        )
        return [dist / f"reader-app-{__version__}-windows-setup.exe"]
    if system == "Darwin":
        app = dist / f"{APP_NAME}.app"
        if shutil.which("hdiutil") is None:
            return [app]
        image = dist / f"reader-app-{__version__}-macos.dmg"
        image.unlink(missing_ok=True)
        subprocess.run(
            ["hdiutil", "create", "-volname", APP_NAME, "-srcfolder", str(app), "-ov",
             "-format", "UDZO", str(image)],
            check=True,
        )  # fmt: skip
        return [app, image]
    print(f"no installer recipe for {system}: the bundle is in {bundle}")
    return []


def _inno_setup() -> str | None:
    for root in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if root and (Path(root) / "Inno Setup 6" / "ISCC.exe").exists():
            return str(Path(root) / "Inno Setup 6" / "ISCC.exe")
    return None


def folder_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


if __name__ == "__main__":
    raise SystemExit(main())
