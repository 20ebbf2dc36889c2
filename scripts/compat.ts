/**
 * API compatibility check of the release path: jsii-diff between the previously released version
 * and the assembly just built (.jsii), run by `npx projen release` after the build.
 *
 *   compat.ts                      against the latest release tag (vX.Y.Z), downloaded from npm
 *   compat.ts --baseline <dir>     against a local package directory (tests)
 *
 * Stricter than jsii-diff's defaults, which would let a release through unchecked:
 * - the whole library is `experimental`, and by default jsii-diff only warns about breaking
 *   changes to experimental APIs: here every breaking change is an error (`--error-on all`)
 *   unless its key is listed in .compatignore, a deliberate, reviewed acknowledgement;
 * - jsii-diff exits 0 ("Skipping analysis") when it cannot download the original version: here
 *   a release tag whose version is not on npm, or a failed download, fails the check.
 * Before the first release there is no tag and nothing to compare with; that is stated, not hidden.
 */
import { execFileSync, spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const IGNORE_FILE = '.compatignore';

/** The latest release tag, as projen's bump finds it (tags vX.Y.Z, highest version first). */
export function latestReleaseTag(cwd: string = ROOT): string | undefined {
  const tags = execFileSync('git', ['-c', 'versionsort.suffix=-', 'tag', '--sort=-version:refname', '--list', 'v*'], { cwd, encoding: 'utf-8' });
  return tags.split('\n').map(t => t.trim()).find(t => /^v\d+\.\d+\.\d+$/.test(t));
}

export interface CompatResult {
  readonly exitCode: number;
  readonly output: string;
}

export interface JsiiDiffOptions {
  /** package directory of the new assembly (default: this repository) */
  readonly updated?: string;
  /** keys of acknowledged breaking changes, one a line (default: .compatignore of this repository) */
  readonly ignoreFile?: string;
}

/** Runs jsii-diff of `original` (a package directory or npm:name@version) against the new assembly. */
export function jsiiDiff(original: string, options: JsiiDiffOptions = {}): CompatResult {
  const updated = options.updated ?? ROOT;
  const ignoreFile = options.ignoreFile ?? path.join(ROOT, IGNORE_FILE);
  const jsiiDiffBin = path.join(ROOT, 'node_modules', '.bin', 'jsii-diff');
  const result = spawnSync(jsiiDiffBin, [original, updated, '--keys', '--error-on', 'all', '--ignore-file', ignoreFile], {
    cwd: updated,
    encoding: 'utf-8',
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error) throw result.error;
  if (/Skipping analysis/.test(output)) {
    // jsii-diff exits 0 when it could not load an assembly
    return { exitCode: 1, output: `${output}\ncompat: jsii-diff could not load ${original}: nothing was compared` };
  }
  return { exitCode: result.status ?? 1, output };
}

function main(args: string[]): number {
  const name = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).name;
  let original: string;
  if (args[0] === '--baseline') {
    if (!args[1]) throw new Error('--baseline needs a package directory');
    original = path.resolve(args[1]);
  } else {
    const tag = latestReleaseTag();
    if (!tag) {
      console.log(`compat: no release tag (vX.Y.Z) yet: this is the first release of ${name}, there is no released API to compare with`);
      return 0;
    }
    const version = tag.slice(1);
    const published = spawnSync('npm', ['view', `${name}@${version}`, 'version'], { encoding: 'utf-8' });
    if (published.status !== 0 || published.stdout.trim() !== version) {
      console.error(`compat: ${tag} is tagged but ${name}@${version} cannot be found on npm:\n${published.stderr}`);
      return 1;
    }
    original = `npm:${name}@${version}`;
  }
  console.log(`compat: jsii-diff ${original} -> ${path.relative(process.cwd(), ROOT) || '.'} (every breaking change is an error unless listed in ${IGNORE_FILE})`);
  const result = jsiiDiff(original);
  process.stdout.write(result.output);
  console.log(result.exitCode === 0 ? 'compat: no unacknowledged breaking change' : 'compat: breaking changes (see above)');
  return result.exitCode;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
