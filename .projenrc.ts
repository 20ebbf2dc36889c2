import { awscdk, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-irsa',
  description: 'IAM Roles for Service Accounts (IRSA) on Amazon EKS in one declaration: OIDC trust, IAM role and a cdk8s ServiceAccount',
  keywords: ['aws-cdk', 'cdk8s', 'eks', 'irsa', 'iam', 'kubernetes', 'service-account'],
  author: 'cdk-irsa maintainers',
  authorAddress: 'maintainers@cdk-irsa.dev',
  repositoryUrl: 'https://github.com/cdk-irsa/cdk-irsa.git',
  license: 'Apache-2.0',
  stability: 'experimental',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: '2.278.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  tsconfigDevFile: 'tsconfig.dev.json',
  // one dev tsconfig at the root covers src, test and examples: lint against it
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'projenrc', '.projenrc.ts'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

  peerDeps: ['cdk8s@^2.70.0'],
  devDeps: [
    // jsii 6 supports typescript 6 only: a caret range keeps it from floating to 7
    'typescript@^6.0.3',
    '@types/node@^20',
    'cdk8s@^2.70.0',
    '@aws-cdk/lambda-layer-kubectl-v33@^2.2.2',
    // AGPL-licensed IAM simulator: used by tests only, never bundled
    '@cloud-copilot/iam-simulate@^0.1.173',
    '@cloud-copilot/iam-policy@^0.1.109',
    'yaml@^2',
  ],

  // snapshots are written on purpose (npx projen test -u), never as a side effect of a run
  jestOptions: { updateSnapshot: javascript.UpdateSnapshot.NEVER },

  publishToPypi: {
    distName: 'cdk-irsa',
    module: 'cdk_irsa',
  },

  // CI is .ci/run on our own machines; no hosted workflows
  github: false,
  depsUpgrade: false,
  gitignore: ['.pybuild/', 'examples/cdk.out/', 'cdk.out/', '.tmp/'],
  npmignoreEnabled: true,
  npmIgnoreOptions: {
    ignorePatterns: ['.pybuild/', 'examples/', 'cdk.out/', 'bench/', 'docs/', '.ci/', '.tmp/', 'tsconfig.dev.json'],
  },
});

project.tsconfigDev.addInclude('.projenrc.ts');
project.tsconfigDev.addExclude('.tmp');
project.tsconfigDev.addExclude('examples/cdk.out');

project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// Stock jsii-pacmak pip-installs pinned build tools from PyPI, which these machines cannot
// reach: generate the Python sources only and build the wheel from the local pip index.
const packagePython = project.tasks.tryFind('package:python');
if (!packagePython) {
  throw new Error('projen no longer defines package:python; revisit the offline Python build');
}
packagePython.reset('rm -rf .pybuild/src && jsii-pacmak --target python --code-only --outdir .pybuild/src');
packagePython.exec(
  'test -x .pybuild/venv/bin/python || (python3 -m venv .pybuild/venv && .pybuild/venv/bin/pip install --quiet "setuptools>=75.3.2" wheel build)',
  { env: { PIP_RETRIES: '0', PIP_DISABLE_PIP_VERSION_CHECK: '1' } },
);
packagePython.exec('mkdir -p dist/python && .pybuild/venv/bin/python -m build --no-isolation --skip-dependency-check --outdir dist/python .pybuild/src/python');

// projen builds only the npm package when CI is set (other languages get their own CI jobs
// there); here one build produces every package.
const packageAll = project.tasks.tryFind('package-all');
if (!packageAll) {
  throw new Error('projen no longer defines package-all; revisit the package task');
}
project.packageTask.reset();
project.packageTask.spawn(packageAll);

// The README's main job: synthesize the example app and summarize what it produced.
const example = project.addTask('example', {
  description: 'Synthesize the example app into examples/cdk.out and print a summary of its bindings',
  exec: 'ts-node --project tsconfig.dev.json examples/main.ts',
});
const lintCfn = project.addTask('lint:cfn', {
  description: 'cfn-lint every synthesized template (errors fail, warnings are printed)',
  exec: 'cfn-lint --non-zero-exit-code error --format parseable -- examples/cdk.out/*.template.json',
});
project.testTask.spawn(example);
project.testTask.spawn(lintCfn);

// Issue 4's benchmark against aws-eks: a separate task, not part of build or test. ts-node runs it
// transpile-only (its type checker would hold hundreds of MB of heap during the timed synths), so
// tsc type-checks it first.
const bench = project.addTask('bench', {
  description: 'Benchmark IrsaBinding (shared and isolated manifests) against aws-eks ServiceAccount (N = 10, 100, 200, 400) and write docs/benchmarks.md',
  env: { TS_NODE_PROJECT: 'tsconfig.dev.json' },
});
bench.exec('tsc --noEmit --project tsconfig.dev.json');
bench.exec('node --expose-gc --require ts-node/register/transpile-only bench/main.ts');

project.synth();
