"""Checks the installed cdk-irsa wheel without importing it (its dependencies, jsii, aws-cdk-lib,
cdk8s and publication, are not available offline): metadata, dependencies, the PyPI description,
the generated module's API surface, and that every module byte-compiles.

Run by scripts/verify-python.ts inside a fresh venv where the wheel was installed with --no-deps:
    python check_wheel.py expected.json
"""
import ast
import compileall
import importlib.metadata
import json
import re
import sys
import tarfile
from pathlib import Path

problems = []


def check(ok, message):
    if not ok:
        problems.append(message)


def parse_requirement(line):
    """'aws-cdk-lib<3.0.0,>=2.278.0' -> ('aws-cdk-lib', {'<3.0.0', '>=2.278.0'})"""
    match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$", line.strip())
    name, specs = match.group(1).lower(), match.group(2)
    return name, {s.replace(" ", "") for s in specs.split(",") if s.strip()}


def python_blocks(markdown):
    return re.findall(r"^```python\n(.*?)^```", markdown, flags=re.M | re.S)


def main(expected_file):
    expected = json.loads(Path(expected_file).read_text())
    dist = importlib.metadata.distribution(expected["name"])
    meta = dist.metadata

    check(dist.version == expected["version"], f"version {dist.version} != {expected['version']}")
    check(meta["Summary"] == expected["summary"], f"summary {meta['Summary']!r}")
    check(meta["License"] == expected["license"], f"license {meta['License']!r}")
    check(meta["Requires-Python"] == expected["requires_python"], f"Requires-Python {meta['Requires-Python']!r}")
    check(meta["Home-page"] == expected["homepage"], f"Home-page {meta['Home-page']!r}")

    requires = dict(parse_requirement(r) for r in dist.requires or [])
    wanted = {name.lower(): set(specs) for name, specs in expected["requires"].items()}
    check(requires == wanted, f"Requires-Dist {sorted(dist.requires or [])} != {wanted}")

    from trove_classifiers import classifiers as known_classifiers

    classifiers = set(meta.get_all("Classifier") or [])
    for classifier in expected["classifiers"]:
        check(classifier in classifiers, f"classifier missing: {classifier}")
    for classifier in sorted(classifiers - set(known_classifiers)):
        check(False, f"classifier unknown to PyPI: {classifier}")

    # the PyPI description: the README with every TypeScript example translated by rosetta
    description = meta.get_payload() or ""
    check(description.lstrip().startswith("# cdk-irsa"), "description is not the README")
    check("```ts" not in description, "description still holds ```ts blocks")
    blocks = python_blocks(description)
    check(len(blocks) >= expected["min_python_blocks"], f"description has {len(blocks)} Python blocks")
    typescript = re.compile(r"^\s*(import \{|const |let |new [A-Z])|;\s*$", re.M)
    for block in blocks:
        check(not typescript.search(block), f"TypeScript left in a Python block of the description:\n{block}")
    for first, second in zip(blocks, blocks[1:]):
        check(first.strip() != second.strip(), f"Python block repeated in the description:\n{second}")

    package_dir = Path(dist.locate_file(expected["module"]))
    init = package_dir / "__init__.py"
    tree = ast.parse(init.read_text(), filename=str(init))
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    exported = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            exported = set(ast.literal_eval(node.value))
    for name in expected["types"]:
        check(name in classes, f"{expected['module']} defines no class {name}")
        check(name in exported, f"{expected['module']}.__all__ lacks {name}")

    assembly = package_dir / "_jsii" / expected["assembly_tarball"]
    check(assembly.is_file(), f"{assembly} missing")
    if assembly.is_file():
        with tarfile.open(assembly) as tar:
            check("package/.jsii" in tar.getnames(), f"{assembly.name} holds no package/.jsii")
    check((package_dir / "py.typed").is_file(), "py.typed missing")

    compiled = compileall.compile_dir(str(package_dir), force=True, quiet=1)
    check(bool(compiled), f"python -m compileall failed in {package_dir}")
    sources = sorted(package_dir.rglob("*.py"))
    pycs = sorted(package_dir.rglob("__pycache__/*.pyc"))
    check(len(pycs) >= len(sources), f"{len(sources)} modules but {len(pycs)} .pyc files")

    if problems:
        print("wheel check failed:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"{dist.name} {dist.version}: metadata, {len(requires)} dependencies, {len(blocks)} Python examples, "
          f"classes {', '.join(sorted(expected['types']))}; {len(sources)} modules byte-compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
