"""The resolvers' own words read into causes: never mkexp's temporary folder, never a stray ')'."""

from __future__ import annotations

import pytest

from papershelf.mkexp.explaining import Cause, explain

WRAPPED_CARGO = """\
error: Failed to build `tokenizers==0.10.3`
  cause: The build backend returned an error
  cause: Call to `setuptools.build_meta:__legacy__.build_wheel` failed (exit status: 1)

         [stderr]
         error: failed to get `pyo3` as a dependency of package `tokenizers
         v0.10.3`
         Caused by: [6] Couldn't resolve host name (Could not resolve host:
         index.crates.io)
"""


def test_a_wrapped_cargo_error_names_the_host_without_a_stray_parenthesis() -> None:
    assert explain("uv", WRAPPED_CARGO) == Cause(
        "network",
        ("tokenizers",),
        "needs the network: cannot reach index.crates.io (could not resolve host)",
    )


@pytest.mark.parametrize(
    ("tool", "output", "detail"),
    [
        (
            "pip",
            "ERROR: Failed to build 'file:///tmp/mkexp-check-m0g6u4q9/projects/0/UltraChat' "
            "when calling build backend hook supports_feature\n",
            "its source fails to build: ERROR: Failed to build 'UltraChat' when calling "
            "build backend hook supports_feature",
        ),
        (
            "pip",
            "ERROR: Could not open requirements file: [Errno 2] No such file or directory: "
            "'/tmp/mkexp-install-x1/requirements.in'\n",
            "Could not open requirements file: [Errno 2] No such file or directory: "
            "'the requirements'",
        ),
        (
            "uv",
            "error: Unsupported editable requirement in `/tmp/mkexp-check-ab/requirements.in` "
            "at line 17: `git+https://github.com/x/y.git`\n  cause: Git sources cannot be "
            "editable\n",
            "Unsupported editable requirement: `git+https://github.com/x/y.git`",
        ),
    ],
)
def test_mkexps_temporary_input_is_never_named(tool: str, output: str, detail: str) -> None:
    cause = explain(tool, output)
    assert cause.detail == detail
    assert "mkexp-" not in cause.detail
