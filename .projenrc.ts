import { awscdk, javascript, TaskShell } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-irsa',
  description: 'IAM Roles for Service Accounts (IRSA) on Amazon EKS in one declaration: OIDC trust, IAM role and a cdk8s ServiceAccount',
  keywords: ['aws-cdk', 'cdk8s', 'eks', 'irsa', 'iam', 'kubernetes', 'service-account'],
  author: 'cdk-irsa maintainers',
  authorAddress: 'maintainers@cdk-irsa.dev',
  repositoryUrl: 'https://github.com/cdk-irsa/cdk-irsa.git',
  homepage: 'https://github.com/cdk-irsa/cdk-irsa#readme',
  bugsUrl: 'https://github.com/cdk-irsa/cdk-irsa/issues',
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
    devdirs: ['test', 'examples', 'bench', 'scripts', 'projenrc', '.projenrc.ts'],
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
    // Kubernetes OpenAPI schema validation of the ServiceAccount manifests (ESM only: tests run it
    // in a child process, see test/support/kubernetes-schema.ts)
    'kubernetes-models@^5.1.0',
    // AwsSolutions checks over the example app, in tests only
    'cdk-nag@^3.0.2',
  ],

  // snapshots are written on purpose (npx projen test -u), never as a side effect of a run
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // writes every template the tests synthesize to .tmp/cfn-templates/ for lint:cfn, and checks
      // every binding's trust policy on the way
      setupFilesAfterEnv: ['<rootDir>/test/support/record-templates.ts'],
      // jest's default (cores - 1) is one worker on the 2-core CI machines; test files spend most
      // of their time loading aws-cdk-lib and synthesizing, and two workers cut jest's time by a third
      maxWorkers: '100%',
    },
  },

  publishToPypi: {
    distName: 'cdk-irsa',
    module: 'cdk_irsa',
  },

  // CI is .ci/run on our own machines; no hosted workflows
  github: false,
  depsUpgrade: false,
  gitignore: ['.pybuild/', 'examples/cdk.out/', 'cdk.out/', '.tmp/', '.jsii.tabl.json'],
  npmignoreEnabled: true,
  // the tarball holds lib/, .jsii, .jsii.tabl.json, README.md, API.md, LICENSE and package.json:
  // verify:npm fails the build on anything else
  npmIgnoreOptions: {
    ignorePatterns: ['.pybuild/', 'examples/', 'cdk.out/', 'bench/', 'docs/', '.ci/', '.tmp/', 'tsconfig.dev.json',
      'rosetta/', 'scripts/', '.compatignore'],
  },
});

// PyPI classifiers beyond those jsii-pacmak derives (Python versions, typing, license, stability)
project.package.file.addOverride('jsii.targets.python.classifiers', [
  'Framework :: AWS CDK',
  'Framework :: AWS CDK :: 2',
  'Intended Audience :: System Administrators',
  'Topic :: System :: Systems Administration',
]);

project.tsconfigDev.addInclude('.projenrc.ts');
// the consumer app imports 'cdk-irsa' from the packed tarball: it compiles in its own project (verify:consumer-ts)
project.tsconfigDev.addExclude('test/consumer/typescript');
project.eslint?.addIgnorePattern('test/consumer/typescript/');
project.tsconfigDev.addExclude('.tmp');
project.tsconfigDev.addExclude('examples/cdk.out');

project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// Every TypeScript example (README, doc comments) must compile against the rosetta fixtures
// (rosetta/*.ts-fixture); rosetta writes their translations to the tablet .jsii.tabl.json, from
// which jsii-pacmak renders the Python docs and the README's Python snippets are checked.
const rosettaExtract = project.addTask('rosetta:extract', {
  description: 'Compile every TypeScript example (README, doc comments) strictly and translate it (.jsii.tabl.json)',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosettaExtract);
project.addTask('readme:python', {
  description: 'Rewrite the README\'s Python snippets from rosetta\'s translations of the TypeScript snippets above them',
  exec: 'ts-node --project tsconfig.dev.json scripts/readme-python.ts --write',
});
const readmeCheck = project.addTask('readme:check', {
  description: 'Fail if a Python snippet of the README is not rosetta\'s translation of the TypeScript snippet above it',
  exec: 'ts-node --project tsconfig.dev.json scripts/readme-python.ts --check',
});

// Stock jsii-pacmak pip-installs pinned build tools from PyPI, which these machines cannot
// reach: generate the Python sources only and build the wheel from the local pip index.
const packagePython = project.tasks.tryFind('package:python');
if (!packagePython) {
  throw new Error('projen no longer defines package:python; revisit the offline Python build');
}
// examples come from the tablet only: an example missing from it fails instead of staying TypeScript
packagePython.reset('rm -rf .pybuild/src && jsii-pacmak --target python --code-only --rosetta-unknown-snippets fail --outdir .pybuild/src');
// the README's own Python snippets repeat the translations right above them in the PyPI description
packagePython.exec('ts-node --project tsconfig.dev.json scripts/readme-python.ts --dedupe .pybuild/src/python/README.md');
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

// What a new user gets, checked after packaging: the npm tarball's contents and metadata, a fresh
// TypeScript CDK app built on the tarball, the wheel installed into a fresh venv.
const verify = project.addTask('verify', {
  description: 'Check the packages in dist/ as their consumers get them (npm tarball, TypeScript consumer, Python wheel)',
});
verify.spawn(project.addTask('verify:npm', {
  description: 'Check the npm tarball: only lib/, .jsii, the tablet, README, API.md, LICENSE; entry points and metadata',
  exec: 'ts-node --project tsconfig.dev.json scripts/verify-npm.ts',
}));
verify.spawn(project.addTask('verify:consumer-ts', {
  description: 'Install the tarball with its peers and the aws-cdk CLI into a fresh CDK app, synth it and the README quick start, assert on the templates',
  exec: 'ts-node --project tsconfig.dev.json scripts/verify-consumer-ts.ts',
}));
verify.spawn(project.addTask('verify:python', {
  description: 'Install the wheel into a fresh venv (--no-deps): metadata, dependency ranges, description, classes, byte-compilation',
  exec: 'ts-node --project tsconfig.dev.json scripts/verify-python.ts',
}));
project.packageTask.spawn(verify);

// API compatibility with the previous release, in the release path: `npx projen release` bumps,
// builds, then runs compat before anything is published (scripts/compat.ts says why it is stricter
// than projen's stock `jsii-diff npm:cdk-irsa`).
const compat = project.tasks.tryFind('compat');
const release = project.tasks.tryFind('release');
if (!compat || !release) {
  throw new Error('projen no longer defines compat or release; revisit the API compatibility check');
}
compat.reset('ts-node --project tsconfig.dev.json scripts/compat.ts');
const buildStep = release.steps.findIndex(step => step.spawn === project.buildTask.name);
if (buildStep < 0) {
  throw new Error('the release task no longer spawns build; revisit where compat runs');
}
release.insertStep(buildStep + 1, { spawn: compat.name });

// The README's main job: synthesize the example app and summarize what it produced.
const example = project.addTask('example', {
  description: 'Synthesize the example app into examples/cdk.out and print a summary of its bindings',
  exec: 'ts-node --project tsconfig.dev.json examples/main.ts',
});
// The example's templates and every distinct template the tests synthesized (written by
// test/support/record-templates.ts, one file per content hash). Two cfn-lint processes share the
// files: cfn-lint is single-threaded, and CI has 2 cores.
const lintCfn = project.addTask('lint:cfn', {
  description: 'cfn-lint every template the example and the tests synthesized (errors fail, warnings are printed)',
  shell: TaskShell.bash(),
  exec: [
    'shopt -s nullglob',
    'example=(examples/cdk.out/*.template.json) tests=(.tmp/cfn-templates/*.template.json)',
    'if (( ${#example[@]} == 0 || ${#tests[@]} == 0 )); then echo "lint:cfn: no templates: run the example and jest first" >&2; exit 1; fi',
    'echo "cfn-lint: ${#example[@]} example and ${#tests[@]} distinct test templates"',
    'printf "%s\\0" "${example[@]}" "${tests[@]}" | xargs -0 -P 2 -n 25 cfn-lint --non-zero-exit-code error --format parseable --',
  ].join('; '),
});
// stale templates of earlier runs would be linted too
project.testTask.prependExec('rm -rf .tmp/cfn-templates');
project.testTask.spawn(example);
project.testTask.spawn(lintCfn);
project.testTask.spawn(readmeCheck);

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
