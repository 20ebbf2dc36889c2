/**
 * The TypeScript consumer test: a fresh CDK project in a temporary directory, outside the
 * repository, installs the packed tarball (dist/js) with its peer dependencies at the versions
 * this repository builds against and the aws-cdk CLI, compiles two apps with tsc and synthesizes
 * them with `cdk synth`:
 *
 * - test/consumer/typescript/app.ts: two bindings on an imported cluster, one granted S3 read;
 * - the README's quick start, copied from README.md as it is.
 *
 * Then it asserts on the templates: trust policies pinned on sub and aud for the right
 * ServiceAccounts, the ServiceAccount manifests, the S3 grant. This catches files missing from the
 * tarball, a wrong main/types, peer ranges that do not resolve and a quick start that does not run.
 */
import * as assert from 'assert/strict';
import { execFileSync } from 'child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const CDK_CLI_VERSION = '2.1149.0';
const PEERS = ['aws-cdk-lib', 'constructs', 'cdk8s'];
const AUD = 'sts.amazonaws.com';

const repoManifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
const installedVersion = (name: string) =>
  JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf-8')).version;

function run(dir: string, command: string, args: string[]): string {
  console.log(`[consumer-ts] $ ${command} ${args.join(' ')}`);
  return execFileSync(command, args, {
    cwd: dir,
    encoding: 'utf-8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      // no network beyond the npm registry: no CLI telemetry, no notices
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      npm_config_update_notifier: 'false',
    },
  });
}

/** The whole-app (`nofixture`) ```ts block of the README's "## Quick start" section. */
function quickStart(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
  const section = readme.split(/^## /m).find(s => s.startsWith('Quick start'));
  const code = section && /^```ts nofixture\n([\s\S]*?)^```/m.exec(section);
  if (!code) throw new Error('README.md has no ```ts nofixture block under "## Quick start"');
  return code[1];
}

interface Template { Resources: Record<string, any> }

function template(dir: string, outdir: string, stackName: string): Template {
  return JSON.parse(readFileSync(path.join(dir, outdir, `${stackName}.template.json`), 'utf-8'));
}

/** A string as CloudFormation renders it, with `<Arn of X>` / `<X>` for attributes and references. */
function render(value: any): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) return value['Fn::Join'][1].map(render).join(value['Fn::Join'][0]);
  if (value['Fn::GetAtt']) return `<${value['Fn::GetAtt'][1]} of ${value['Fn::GetAtt'][0]}>`;
  if (value.Ref) return `<${value.Ref}>`;
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

function ofType(t: Template, type: string): Array<[string, any]> {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

/** Asserts one binding: its role's trust, its ServiceAccount manifest; returns the role's logical id. */
function assertBinding(t: Template, bindingId: string, namespace: string, name: string, providerArn: string): string {
  const issuer = providerArn.replace(/^arn:aws:iam::\d{12}:oidc-provider\//, '');
  const roles = ofType(t, 'AWS::IAM::Role').filter(([id]) => id.startsWith(`${bindingId}Role`));
  assert.equal(roles.length, 1, `${bindingId}: one role`);
  const [roleId, role] = roles[0];
  assert.deepEqual(role.Properties.AssumeRolePolicyDocument.Statement, [{
    Action: 'sts:AssumeRoleWithWebIdentity',
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Condition: {
      StringEquals: {
        [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${name}`,
        [`${issuer}:aud`]: AUD,
      },
    },
  }], `${bindingId}: trust policy pins sub and aud`);
  // IAM's default quota for a trust policy (ACLSizePerRole), whitespace not counted
  const trustSize = JSON.stringify(role.Properties.AssumeRolePolicyDocument).length;
  assert.ok(trustSize < 2048, `${bindingId}: trust policy of ${trustSize} characters exceeds 2,048`);

  // ServiceAccounts share a cluster's manifests: find the one object of this binding among them all
  const objects = ofType(t, 'Custom::AWSCDK-EKS-KubernetesResource')
    .flatMap(([, m]) => JSON.parse(render(m.Properties.Manifest)) as any[])
    .filter(o => o.metadata?.name === name && o.metadata?.namespace === namespace);
  assert.equal(objects.length, 1, `${bindingId}: one ServiceAccount ${namespace}/${name} in the manifests`);
  assert.equal(objects[0].apiVersion, 'v1');
  assert.equal(objects[0].kind, 'ServiceAccount');
  assert.equal(objects[0].metadata.annotations['eks.amazonaws.com/role-arn'], `<Arn of ${roleId}>`,
    `${bindingId}: the ServiceAccount is annotated with its own role`);
  return roleId;
}

/** The actions the role's policies (inline or separate) allow on the bucket, or none. */
function s3ActionsOf(t: Template, roleId: string, bucketId: string): string[] {
  const inline: any[] = t.Resources[roleId].Properties.Policies ?? [];
  const separate = ofType(t, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .map(([, p]) => p.Properties);
  return [...inline, ...separate]
    .flatMap(p => p.PolicyDocument.Statement)
    .filter((s: any) => [s.Resource].flat().some((r: any) => JSON.stringify(r).includes(bucketId)))
    .flatMap((s: any) => [s.Action].flat());
}

function main(): void {
  const started = Date.now();
  const distJs = path.join(ROOT, 'dist', 'js');
  const tarballs = readdirSync(distJs).filter(f => f.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`expected one tarball in dist/js, found: ${tarballs.join(', ') || 'none'}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'cdk-irsa-consumer-ts-'));
  console.log(`[consumer-ts] project: ${dir}`);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'irsa-consumer', version: '0.0.0', private: true }, null, 2));
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      lib: ['es2022'],
      types: ['node'],
      strict: true,
      noImplicitAny: true,
      skipLibCheck: true,
    },
    files: ['app.ts', 'quickstart.ts'],
  }, null, 2));
  writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: 'node app.js' }, null, 2));
  copyFileSync(path.join(ROOT, 'test', 'consumer', 'typescript', 'app.ts'), path.join(dir, 'app.ts'));
  writeFileSync(path.join(dir, 'quickstart.ts'), quickStart());

  // the peers at the versions this repository builds and tests against (the minimum of each
  // peer range); --strict-peer-deps makes npm fail if the tarball's peer ranges reject them
  const peers = PEERS.map(name => `${name}@${repoManifest.devDependencies[name]}`);
  run(dir, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--strict-peer-deps', '--loglevel=error',
    path.join(distJs, tarballs[0]), ...peers, `aws-cdk@${CDK_CLI_VERSION}`,
    `typescript@${installedVersion('typescript')}`, `@types/node@${installedVersion('@types/node')}`]);

  const resolved = run(dir, 'node', ['-p', 'require.resolve("cdk-irsa")']).trim();
  assert.equal(resolved, path.join(dir, 'node_modules', 'cdk-irsa', 'lib', 'index.js'), 'cdk-irsa resolves to its main');
  run(dir, path.join('node_modules', '.bin', 'tsc'), ['-p', '.']);
  const cdk = path.join('node_modules', '.bin', 'cdk');
  const cliVersion = run(dir, cdk, ['--version']).trim();
  assert.ok(cliVersion.startsWith(CDK_CLI_VERSION), `aws-cdk CLI is ${cliVersion}`);
  run(dir, cdk, ['synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', 'cdk.out']);
  run(dir, cdk, ['synth', '--quiet', '--no-notices', '--no-version-reporting', '--app', 'node quickstart.js', '--output', 'cdk.out.quickstart']);

  // the app: two bindings, one granted S3 read
  const consumerProvider = 'arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/CONSUMER0123456789ABCDEF';
  const app = template(dir, 'cdk.out', 'IrsaConsumer');
  assert.equal(ofType(app, 'AWS::IAM::Role').length, 2, 'app: two roles');
  assert.ok(ofType(app, 'Custom::AWSCDK-EKS-KubernetesResource').length >= 1, 'app: the ServiceAccounts are applied by manifests');
  const readerRole = assertBinding(app, 'LedgerReader', 'payments', 'ledger-reader', consumerProvider);
  const metricsRole = assertBinding(app, 'MetricsPublisher', 'observability', 'metrics-publisher', consumerProvider);
  const [bucketId] = ofType(app, 'AWS::S3::Bucket').map(([id]) => id);
  const readerS3 = s3ActionsOf(app, readerRole, bucketId);
  for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*']) {
    assert.ok(readerS3.includes(action), `app: LedgerReader may ${action} on the bucket (has ${readerS3.join(', ')})`);
  }
  assert.ok(!readerS3.some(a => /^s3:(Put|Delete)/.test(a)), 'app: LedgerReader may only read');
  assert.deepEqual(s3ActionsOf(app, metricsRole, bucketId), [], 'app: MetricsPublisher has no access to the bucket');

  // the README's quick start, as written
  const quick = template(dir, 'cdk.out.quickstart', 'Payments');
  const quickRole = assertBinding(quick, 'LedgerReader', 'payments', 'ledger-reader',
    'arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE');
  const [quickBucket] = ofType(quick, 'AWS::S3::Bucket').map(([id]) => id);
  assert.ok(s3ActionsOf(quick, quickRole, quickBucket).includes('s3:GetObject*'), 'quick start: LedgerReader reads the bucket');

  const versions = ['cdk-irsa', ...PEERS].map(name =>
    `${name}@${JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf-8')).version}`);
  console.log(`[consumer-ts] OK in ${Math.round((Date.now() - started) / 1000)} s: ${versions.join(', ')}, aws-cdk ${cliVersion}; `
    + 'app (2 bindings, S3 grant) and README quick start synthesized and asserted');
  rmSync(dir, { recursive: true, force: true });
}

main();
