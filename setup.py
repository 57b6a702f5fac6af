"""Package layout only; everything else is in pyproject.toml.

The repo keeps screens/, plugins/ and data/ at the top (the design card). Installed, they live
inside the triage namespace (triage.screens, triage.plugins, triage.data), never as top-level
packages named `screens` or `plugins`. Sub-packages are found, so a new one needs no edit here.
"""

from setuptools import find_packages, setup

MAPPED = {"triage": "triage", "triage.screens": "screens", "triage.plugins": "plugins", "triage.data": "data"}

packages = []
for name, path in MAPPED.items():
    packages += [name, *(f"{name}.{sub}" for sub in find_packages(path))]

setup(packages=packages, package_dir=MAPPED)
