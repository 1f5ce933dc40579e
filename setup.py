# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The pip-installable ``hgru`` package. The fairseq plugin, configs and scripts stay in the repo."""
import re

from setuptools import find_packages, setup

with open("hgru/__init__.py") as f:
    version = re.search(r'__version__ = "([^"]+)"', f.read()).group(1)

setup(
    name="hgru",
    version=version,
    description="HGRN (NeurIPS 2023): hierarchically gated recurrent layers and fused Triton kernels",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.9",
    packages=find_packages(include=["hgru", "hgru.*"]),
    # torch >= 2.4 for torch.library.custom_op. Triton only where its wheels exist (Linux x86_64);
    # the PyTorch path needs nothing else. Install torch first to choose its build (README).
    install_requires=[
        "torch>=2.4",
        "triton>=3.0; platform_system == 'Linux' and platform_machine == 'x86_64'",
    ],
    extras_require={"test": ["pytest>=8"]},
)
