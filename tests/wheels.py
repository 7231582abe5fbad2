"""Tiny wheels written by hand, and a sandbox in which pip, uv and virtualenv stay offline.

A wheel is a zip holding the package plus METADATA, WHEEL and RECORD; writing
it directly takes milliseconds and needs no build backend or network.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import tarfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

IPYKERNEL_MAIN = '''\
"""A stand-in for 'python -m ipykernel install': writes the kernel spec Jupyter reads."""
import json, os, sys

args = sys.argv[1:]
assert args[0] == "install" and "--user" in args, args
name = args[args.index("--name") + 1]
display = args[args.index("--display-name") + 1]
folder = os.path.join(os.environ["JUPYTER_DATA_DIR"], "kernels", name)
os.makedirs(folder, exist_ok=True)
spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": display, "language": "python"}
with open(os.path.join(folder, "kernel.json"), "w", encoding="utf-8") as stream:
    json.dump(spec, stream, ensure_ascii=False)
'''


def _digest(data: bytes) -> str:
    raw = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def build_wheel(
    folder: Path,
    name: str,
    version: str = "1.0",
    *,
    requires_python: str | None = None,
    requires: Sequence[str] = (),
    files: Mapping[str, bytes] | None = None,
    tag: str = "py3-none-any",
) -> Path:
    """Write NAME-VERSION-TAG.whl into folder and return its path."""
    module = name.replace("-", "_")
    contents = dict(files or {f"{module}/__init__.py": f"VERSION = {version!r}\n".encode()})
    info = f"{module}-{version}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        metadata.append(f"Requires-Python: {requires_python}")
    metadata += [f"Requires-Dist: {requirement}" for requirement in requires]
    contents[f"{info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    contents[f"{info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: papershelf-tests\nRoot-Is-Purelib: true\nTag: {tag}\n"
    ).encode()
    record = [f"{path},{_digest(data)},{len(data)}" for path, data in contents.items()]
    record.append(f"{info}/RECORD,,")
    contents[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / f"{module}-{version}-{tag}.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in contents.items():
            archive.writestr(path, data)
    return wheel


FAILING_BACKEND = """\
def _fail(*args, **kwargs):
    print("running build_ext")
    raise RuntimeError({message!r})

def get_requires_for_build_wheel(config_settings=None):
    return []

prepare_metadata_for_build_wheel = build_wheel = _fail
"""


def write_sdist(sdist: Path, members: Mapping[str, str]) -> Path:
    with tarfile.open(sdist, "w:gz") as archive:
        for member, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return sdist


def build_failing_sdist(folder: Path, name: str, version: str, message: str) -> Path:
    """An sdist whose build fails with ``message``; its backend is in-tree, so no setuptools."""
    top = f"{name}-{version}"
    members = {
        f"{top}/pyproject.toml": (
            '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
        ),
        f"{top}/backend.py": FAILING_BACKEND.format(message=message),
        f"{top}/PKG-INFO": f"Metadata-Version: 2.2\nName: {name}\nVersion: {version}\n"
        "Dynamic: Requires-Dist\n",
    }
    return write_sdist(folder / f"{top}.tar.gz", members)


# cargo's words when it cannot fetch crates, as a Rust extension's build prints them
CARGO_OFFLINE = """

def build_wheel(directory, config_settings=None, metadata_directory=None):
    import sys
    sys.stderr.write(
        "error: failed to get `pyo3` as a dependency of package `tokenizers v0.10.3`\\n"
        "Caused by: [6] Couldn't resolve host name (Could not resolve host: index.crates.io)\\n"
    )
    raise SystemExit(101)
"""


def build_sdist(
    folder: Path, name: str, version: str, extra: Mapping[str, str], *, build_fails: bool = False
) -> Path:
    """An sdist that builds offline (in-tree backend) holding ``extra`` files, like a
    Rust or C extension's Cargo.toml or .c sources; ``build_fails``: its metadata is read
    but its wheel build fails as cargo does offline."""
    top = f"{name}-{version}"
    backend = LOCAL_BACKEND.format(name=name, version=version)
    members = {
        f"{top}/pyproject.toml": (
            '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
        ),
        f"{top}/backend.py": backend + (CARGO_OFFLINE if build_fails else ""),
        f"{top}/PKG-INFO": f"Metadata-Version: 2.2\nName: {name}\nVersion: {version}\n",
        **{f"{top}/{path}": text for path, text in extra.items()},
    }
    return write_sdist(folder / f"{top}.tar.gz", members)


def build_index(folder: Path) -> Path:
    """The local 'index' every test installs from."""
    folder.mkdir(parents=True, exist_ok=True)
    build_wheel(folder, "alpha", "1.0")
    build_wheel(folder, "beta", "1.0", requires=["alpha>=1.0"])
    build_wheel(folder, "gamma", "1.0")
    build_wheel(folder, "gamma", "2.0")
    # like torch==1.4.0: wheels for old CPythons only
    for version in ("1.4.0", "2.0"):
        for python in ("cp37", "cp38"):
            build_wheel(folder, "oldonly", version, tag=f"{python}-none-any")
    # like transformers==4.28.1 with tokenizers==0.20.0: pins that exclude each other
    build_wheel(folder, "tfm", "4.28.1", requires=["tok>=0.11,<0.14"])
    # transformers' own pin, with an exclusion: uv words it as "depends on one of: ..."
    build_wheel(folder, "tfx", "4.28.1", requires=["tok>=0.11.1,!=0.11.3,<0.14"])
    build_wheel(folder, "tok", "0.13.3")
    build_wheel(folder, "tok", "0.20.0")
    build_failing_sdist(folder, "cudaext", "0.2.1", "CUDA_HOME environment variable is not set")
    # like transformers==4.5.1 -> tokenizers==0.10.3: wheels up to cp38, else a Rust sdist
    build_wheel(folder, "tfmold", "4.5.1", requires=["tokold>=0.10.1,<0.11"])
    for python in ("cp37", "cp38"):
        build_wheel(folder, "tokold", "0.10.3", tag=f"{python}-none-any")
    build_sdist(folder, "tokold", "0.10.3", {"Cargo.toml": '[package]\nname = "tokold"\n'})
    # like tokenizers 0.10.3 installed offline: cargo cannot reach index.crates.io
    build_sdist(folder, "rustoff", "0.10.3", {"Cargo.toml": ""}, build_fails=True)
    # like fire==0.4.0: only a source archive, pure Python
    build_sdist(folder, "purepkg", "0.4.0", {"purepkg/__init__.py": ""})
    # like numpy==1.21.2 on Python 3.11: C sources
    build_sdist(folder, "numold", "1.21.2", {"src/multiarray.c": "int main(void) { return 0; }\n"})
    build_wheel(
        folder,
        "ipykernel",
        "6.0",
        files={"ipykernel/__init__.py": b"", "ipykernel/__main__.py": IPYKERNEL_MAIN.encode()},
    )
    # many small files: an install that takes long enough to be interrupted
    bulky = {f"bulky/part{index}.py": f"X = {index}\n".encode() * 50 for index in range(4000)}
    bulky["bulky/__init__.py"] = b""
    build_wheel(folder, "bulky", "1.0", files=bulky)
    return folder


@pytest.fixture(scope="session")
def offline_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The local wheel folder, and environment settings that keep every tool on it."""
    base = tmp_path_factory.mktemp("mkexp-session")
    index = build_index(base / "wheels")
    return {
        "VIRTUALENV_OVERRIDE_APP_DATA": str(base / "virtualenv-app-data"),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(index),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_CACHE_DIR": "1",
        "PIP_CONFIG_FILE": os.devnull,
        "UV_NO_CONFIG": "1",
        "UV_FIND_LINKS": str(index),
        "UV_INDEX_URL": (base / "no-index").as_uri(),
        "UV_CACHE_DIR": str(base / "uv-cache"),
        "UV_PYTHON_DOWNLOADS": "never",
        "JUPYTER_DATA_DIR": str(base / "jupyter"),
        # uv lives beside the test interpreter; make 'uv on PATH' true, as in a dev shell
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }


@pytest.fixture
def offline_index(
    offline_settings: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Point pip, uv, virtualenv and Jupyter at temporary folders: no network, no $HOME."""
    for key, value in offline_settings.items():
        monkeypatch.setenv(key, value)
    yield Path(offline_settings["PIP_FIND_LINKS"])


LOCAL_BACKEND = '''\
"""A build backend that, like setuptools, leaves NAME.egg-info beside the sources."""
import os, zipfile

NAME, VERSION = {name!r}, {version!r}
META = "Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n" % (NAME, VERSION)
INFO = "%s-%s.dist-info" % (NAME, VERSION)


def _egg_info():
    os.makedirs(NAME + ".egg-info", exist_ok=True)
    with open(os.path.join(NAME + ".egg-info", "PKG-INFO"), "w") as stream:
        stream.write(META)


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(directory, config_settings=None):
    _egg_info()
    os.makedirs(os.path.join(directory, INFO))
    with open(os.path.join(directory, INFO, "METADATA"), "w") as stream:
        stream.write(META)
    return INFO


def build_wheel(directory, config_settings=None, metadata_directory=None):
    _egg_info()
    name = "%s-%s-py3-none-any.whl" % (NAME, VERSION)
    files = {{
        NAME + ".pth": os.getcwd() + "\\n",
        INFO + "/METADATA": META,
        INFO + "/WHEEL": "Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
    }}
    files[INFO + "/RECORD"] = "".join(path + ",,\\n" for path in files) + INFO + "/RECORD,,\\n"
    with zipfile.ZipFile(os.path.join(directory, name), "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return name


get_requires_for_build_editable = get_requires_for_build_wheel
prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel
build_editable = build_wheel
'''


def write_local_project(folder: Path, name: str) -> Path:
    """A project installable with '-e .' offline: its backend is in-tree, no setuptools."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n',
        encoding="utf-8",
    )
    (folder / "backend.py").write_text(
        LOCAL_BACKEND.format(name=name, version="0.1"), encoding="utf-8"
    )
    return folder
