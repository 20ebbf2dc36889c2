/**
 * The Python consumer checks. The wheel cannot be imported here (jsii, aws-cdk-lib, cdk8s and
 * publication are not in the local pip index), so instead: install it with --no-deps into a fresh
 * venv outside the repository, then test/consumer/python/check_wheel.py checks its metadata (the
 * dependencies and their ranges as derived here from package.json, classifiers, the description),
 * the generated module's classes and byte-compiles it; the sdist must hold the sources to rebuild it.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const PIP_ENV = { ...process.env, PIP_RETRIES: '0', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };

/** An npm caret or tilde range as jsii-pacmak writes it for pip: ^2.278.0 -> ['>=2.278.0', '<3.0.0']. */
export function pythonRange(range: string): string[] {
  const m = /^([\^~])(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!m) throw new Error(`cannot map npm range ${range} to Python`);
  const [major, minor, patch] = m.slice(2).map(Number);
  const upper = m[1] === '~' ? `${major}.${minor + 1}.0`
    : major > 0 ? `${major + 1}.0.0`
      : minor > 0 ? `0.${minor + 1}.0` : `0.0.${patch + 1}`;
  return [`>=${major}.${minor}.${patch}`, `<${upper}`];
}

const STABILITY_CLASSIFIER: Record<string, string> = {
  experimental: 'Development Status :: 4 - Beta',
  stable: 'Development Status :: 5 - Production/Stable',
  deprecated: 'Development Status :: 7 - Inactive',
};

function only(dir: string, suffix: string): string {
  const files = readdirSync(dir).filter(f => f.endsWith(suffix));
  if (files.length !== 1) throw new Error(`expected one *${suffix} in ${dir}, found: ${files.join(', ') || 'none'}`);
  return path.join(dir, files[0]);
}

function run(command: string, args: string[]): string {
  console.log(`[python] $ ${command} ${args.join(' ')}`);
  return execFileSync(command, args, { encoding: 'utf-8', env: PIP_ENV, stdio: ['ignore', 'pipe', 'inherit'] });
}

function main(): void {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
  const assembly = JSON.parse(readFileSync(path.join(ROOT, '.jsii'), 'utf-8'));
  const pacmakVersion = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'jsii-pacmak', 'package.json'), 'utf-8')).version;
  const python = manifest.jsii.targets.python;
  const distPython = path.join(ROOT, 'dist', 'python');
  const wheel = only(distPython, '.whl');
  const sdist = only(distPython, '.tar.gz');

  const requires: Record<string, string[]> = {
    // the generated code needs a jsii runtime at least as new as the jsii-pacmak that generated it
    jsii: pythonRange(`^${pacmakVersion}`),
    publication: ['>=0.0.3'],
  };
  for (const [name, range] of Object.entries<string>(manifest.peerDependencies)) {
    requires[name] = pythonRange(range);
  }
  const expected = {
    name: python.distName,
    module: python.module,
    version: manifest.version,
    summary: manifest.description,
    license: manifest.license,
    homepage: manifest.homepage,
    requires_python: '>=3.10',
    requires,
    classifiers: [...python.classifiers, 'License :: OSI Approved', STABILITY_CLASSIFIER[manifest.stability]],
    types: Object.values<any>(assembly.types).map(t => t.name),
    assembly_tarball: `${manifest.name}@${manifest.version}.jsii.tgz`,
    min_python_blocks: (assembly.readme.markdown.match(/^```(ts|typescript)\b/gm) ?? []).length,
  };

  const dir = mkdtempSync(path.join(os.tmpdir(), 'cdk-irsa-consumer-py-'));
  try {
    writeFileSync(path.join(dir, 'expected.json'), JSON.stringify(expected, null, 2));
    run('python3', ['-m', 'venv', path.join(dir, 'venv')]);
    const venvPython = path.join(dir, 'venv', 'bin', 'python');
    run(venvPython, ['-m', 'pip', 'install', '--quiet', '--no-deps', '--no-index', wheel]);
    // PyPI rejects unknown classifiers: check them against the list it uses (local pip index)
    run(venvPython, ['-m', 'pip', 'install', '--quiet', 'trove-classifiers']);
    process.stdout.write(run(venvPython, [path.join(ROOT, 'test', 'consumer', 'python', 'check_wheel.py'), path.join(dir, 'expected.json')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const top = `${python.distName.replace(/-/g, '_')}-${manifest.version}`;
  const entries = execFileSync('tar', ['tzf', sdist], { encoding: 'utf-8' }).split('\n');
  const needed = ['setup.py', 'pyproject.toml', 'README.md', 'LICENSE', 'PKG-INFO', `src/${python.module}/__init__.py`,
    `src/${python.module}/py.typed`, `src/${python.module}/_jsii/${expected.assembly_tarball}`];
  const missing = needed.filter(f => !entries.includes(`${top}/${f}`));
  if (missing.length > 0) throw new Error(`${path.basename(sdist)} lacks ${missing.join(', ')}`);

  const size = (f: string) => `${path.relative(ROOT, f)} (${statSync(f).size} bytes)`;
  console.log(`[python] OK: ${size(wheel)} installs and checks out; ${size(sdist)} holds the sources`);
}

if (require.main === module) main();
