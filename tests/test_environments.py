# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The conda environment files pin what requirements.txt and scripts/install.sh pin (conda cannot
run here, so the agreement is checked instead)."""
import os
import re

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pins(lines):
    out = {}
    for line in lines:
        m = re.match(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s;#\\]+)", line)
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def requirement_pins(name):
    with open(os.path.join(ROOT, name)) as f:
        return pins(f)


def env_pins(name):
    with open(os.path.join(ROOT, name)) as f:
        env = yaml.safe_load(f)
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return env, pins(pip)


def install_torch_pins():
    with open(os.path.join(ROOT, "scripts", "install.sh")) as f:
        default = re.search(r'TORCH=\$\{TORCH:-"([^"]+)"\}', f.read()).group(1)
    return pins(default.split())


@pytest.mark.parametrize("env_file,extra", [("env1.yaml", []), ("env2.yaml", [])])
def test_env_pins_agree_with_requirements(env_file, extra):
    if not os.path.exists(os.path.join(ROOT, env_file)):
        pytest.skip(f"{env_file} not written yet")
    env, got = env_pins(env_file)
    want = requirement_pins("requirements.txt")
    for name in extra:
        want.update(requirement_pins(name))
    want.update(install_torch_pins())
    assert got == want, {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    assert python == ["python=3.11"]


def test_fairseq_pin_is_hashed():
    with open(os.path.join(ROOT, "requirements-fairseq.txt")) as f:
        text = f.read()
    assert "ve-fairseq==0.12.3" in text and text.count("--hash=sha256:") == 2
