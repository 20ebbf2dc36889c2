import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { jsiiDiff, latestReleaseTag } from '../scripts/compat';

const ROOT = path.join(__dirname, '..');

describe('latest release tag', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf-8' });

  beforeEach(() => {
    repo = mkdtempSync(path.join(os.tmpdir(), 'cdk-irsa-tags-'));
    git('init', '--quiet');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '--allow-empty', '-m', 'init');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  test('none before the first release', () => {
    git('tag', 'not-a-release');
    expect(latestReleaseTag(repo)).toBeUndefined();
  });

  test('the highest released version, by version order, ignoring pre-releases', () => {
    for (const tag of ['v0.2.0', 'v0.10.0', 'v0.9.3', 'v0.11.0-beta.1']) git('tag', tag);
    expect(latestReleaseTag(repo)).toBe('v0.10.0');
  });
});

// jsii-diff between a baseline package and this repository's compiled assembly (.jsii): the
// baseline is the current assembly plus one more property, i.e. the current build removes it.
describe('jsii-diff as the release runs it', () => {
  let baseline: string;

  beforeAll(() => {
    baseline = mkdtempSync(path.join(os.tmpdir(), 'cdk-irsa-compat-baseline-'));
    // the baseline's dependencies (aws-cdk-lib, constructs, cdk8s) are the repository's
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(baseline, 'node_modules'));
    const assembly = JSON.parse(readFileSync(path.join(ROOT, '.jsii'), 'utf-8'));
    // a class without subclasses, so that the removal is reported once
    const binding = assembly.types['cdk-irsa.GitOpsIrsaBinding'];
    binding.properties.push({
      name: 'legacyRoleName',
      type: { primitive: 'string' },
      immutable: true,
      docs: { summary: 'Removed since.', stability: 'experimental' },
      locationInModule: { filename: 'src/git-ops-irsa-binding.ts', line: 1 },
    });
    writeFileSync(path.join(baseline, '.jsii'), JSON.stringify(assembly));
    writeFileSync(path.join(baseline, 'package.json'), readFileSync(path.join(ROOT, 'package.json')));
  });
  afterAll(() => rmSync(baseline, { recursive: true, force: true }));

  test('fails on a breaking change to an experimental API', () => {
    const result = jsiiDiff(baseline, { ignoreFile: path.join(baseline, 'none') });

    expect(result.exitCode).toBe(1);
    expect(result.output).toMatch(/^err .*GitOpsIrsaBinding\.legacyRoleName: has been removed \[removed:cdk-irsa\.GitOpsIrsaBinding\.legacyRoleName\]/m);
  }, 60_000);

  test('passes once the change is acknowledged in the ignore file, and finds nothing else', () => {
    const ignoreFile = path.join(baseline, 'compatignore');
    writeFileSync(ignoreFile, '# acknowledged\nremoved:cdk-irsa.GitOpsIrsaBinding.legacyRoleName\n');

    const result = jsiiDiff(baseline, { ignoreFile });

    expect(result).toEqual({ exitCode: 0, output: expect.not.stringMatching(/^err /m) });
    expect(result.output).not.toMatch(/Skipping analysis/);
  }, 60_000);

  test('fails when the original cannot be downloaded, where jsii-diff alone would pass', () => {
    // npm offline, with a registry that does not answer: the download of the original fails
    const saved = { ...process.env };
    Object.assign(process.env, { npm_config_offline: 'true', npm_config_registry: 'http://127.0.0.1:9/' });
    try {
      const result = jsiiDiff('npm:cdk-irsa@0.0.1');

      expect(result.output).toMatch(/Skipping analysis/);
      expect(result.exitCode).toBe(1);
      expect(result.output).toMatch(/nothing was compared/);
    } finally {
      process.env = saved;
    }
  }, 60_000);
});
