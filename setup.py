"""The house styles (the repository's styles/, its sheets, fonts with their
licences and the press profile) ship inside the package as pipeline/house;
everything else about the package is in pyproject.toml."""

from pathlib import Path

from setuptools import find_packages, setup

HOUSE = Path("styles")
# Each folder of the house styles is listed, so that its files are package data.
house = ["pipeline.house", *("pipeline.house." + ".".join(d.relative_to(HOUSE).parts)
                             for d in sorted(HOUSE.rglob("*")) if d.is_dir())]
setup(packages=find_packages(include=["pipeline", "pipeline.*"]) + house,
      package_dir={"pipeline.house": str(HOUSE)},
      package_data={name: ["*"] for name in house})
