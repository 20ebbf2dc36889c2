import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { buildExampleApp, IrsaExampleStack } from '../examples/app';
import { IrsaBinding } from '../src';
import { ACCOUNT, importedCluster, newCluster } from './support/fixtures';

/** One finding of a rule pack: the rule (with its finding, e.g. `AwsSolutions-IAM5[Resource::*]`) and the construct. */
interface Finding {
  readonly rule: string;
  readonly path: string;
}

/**
 * Synthesizes an app with the AwsSolutions checks (cdk-nag 3 runs as a CDK validation plugin) and
 * returns what they found. Synthesis fails when anything is found; the report is read either way.
 */
function awsSolutionsFindings(build: (outdir: string) => App): Finding[] {
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-nag-'));
  try {
    const app = build(outdir);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const reportFile = path.join(outdir, 'validation-report.json');
    try {
      app.synth();
    } catch (error) {
      // a failed validation leaves its report; anything else is a real error
      if (!existsSync(reportFile)) throw error;
    }
    const report = JSON.parse(readFileSync(reportFile, 'utf-8'));
    // a plugin that found nothing has no report of its own
    const pack = report.pluginReports.find((p: any) => p.pluginName === 'AwsSolutions') ?? { violations: [] };
    return pack.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => ({ rule: v.ruleName, path: c.constructPath })));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Whether a construct path is a binding's or one of the ServiceAccount manifests cdk-irsa adds. */
function isCdkIrsa(app: IConstruct, constructPath: string): boolean {
  return app.node.findAll().some(c =>
    (c instanceof IrsaBinding || c.node.id.startsWith('IrsaServiceAccounts'))
    && (constructPath === c.node.path || constructPath.startsWith(`${c.node.path}/`)));
}

/** A rule acknowledged on a scope (and so on everything below it), with the reason. */
interface Acknowledgement {
  readonly scope: (stack: IrsaExampleStack) => IConstruct;
  /** A rule, e.g. `AwsSolutions-IAM5`, which covers each of its findings (`AwsSolutions-IAM5[...]`). */
  readonly rule: string;
  readonly reason: string;
}

const child = (id: string) => (stack: IrsaExampleStack) => stack.node.findChild(id);
const EKS_RESOURCE_PROVIDER = child('@aws-cdk--aws-eks.ClusterResourceProvider');
const EKS_KUBECTL_PROVIDER = child('@aws-cdk--aws-eks.KubectlProvider');
const CLUSTER = (stack: IrsaExampleStack) => stack.cluster;
const AWS_EKS_INTERNAL = 'aws-eks internals, not cdk-irsa: ';

/** Everything acknowledged in the example app, and why. */
const EXAMPLE_ACKNOWLEDGEMENTS: Acknowledgement[] = [
  // the example's cluster: aws-eks defaults, kept so that the example stays minimal
  { scope: CLUSTER, rule: 'AwsSolutions-EKS1', reason: 'the example cluster keeps the aws-eks default public endpoint; IRSA works the same with a private one' },
  { scope: CLUSTER, rule: 'AwsSolutions-EKS2', reason: 'the example cluster exports no control plane logs to keep it free of log groups; IRSA does not depend on them' },
  { scope: CLUSTER, rule: 'AwsSolutions-VPC7', reason: 'the default VPC that aws-eks creates for the example cluster has no flow log; no workload runs in it' },
  { scope: CLUSTER, rule: 'AwsSolutions-IAM4', reason: `${AWS_EKS_INTERNAL}the cluster role and kubectl handler role use the AWS managed policies that aws-eks attaches` },
  { scope: CLUSTER, rule: 'AwsSolutions-IAM5', reason: `${AWS_EKS_INTERNAL}the cluster creation role of aws-eks needs wildcard resources to create the cluster` },
  // the custom resource providers that aws-eks adds as nested stacks
  ...[EKS_RESOURCE_PROVIDER, EKS_KUBECTL_PROVIDER].flatMap(scope => [
    { scope, rule: 'AwsSolutions-L1', reason: `${AWS_EKS_INTERNAL}the provider functions' runtime is chosen by aws-cdk-lib` },
    { scope, rule: 'AwsSolutions-IAM4', reason: `${AWS_EKS_INTERNAL}the provider functions use AWSLambdaBasicExecutionRole and AWSLambdaVPCAccessExecutionRole` },
    { scope, rule: 'AwsSolutions-IAM5', reason: `${AWS_EKS_INTERNAL}the provider framework may invoke every version of its own handler functions (<function ARN>:*)` },
  ]),
  { scope: EKS_RESOURCE_PROVIDER, rule: 'AwsSolutions-SF1', reason: `${AWS_EKS_INTERNAL}the provider framework's waiter state machine has no log configuration` },
  { scope: EKS_RESOURCE_PROVIDER, rule: 'AwsSolutions-SF2', reason: `${AWS_EKS_INTERNAL}the provider framework's waiter state machine has no X-Ray tracing` },
  // the example's own bucket and grants, on the bindings' roles
  { scope: child('Ledger'), rule: 'AwsSolutions-S1', reason: 'the example bucket has no access log bucket, to keep the example to one bucket' },
  {
    scope: child('LedgerReader'),
    rule: 'AwsSolutions-IAM5',
    reason: 'the example grants ledger.grantRead(reader): the read-only s3:GetObject*, s3:GetBucket* and s3:List* actions on the example bucket and its objects, as aws-s3 writes them',
  },
  {
    scope: child('MetricsPublisher'),
    rule: 'AwsSolutions-IAM5',
    reason: 'the example grants cloudwatch:PutMetricData, which has no resource-level permissions (Resource *), limited by a cloudwatch:namespace condition',
  },
];

function acknowledgementOf(stack: IrsaExampleStack, finding: Finding): Acknowledgement | undefined {
  return EXAMPLE_ACKNOWLEDGEMENTS.find(a => {
    const scopePath = a.scope(stack).node.path;
    return (finding.path === scopePath || finding.path.startsWith(`${scopePath}/`))
      && (finding.rule === a.rule || finding.rule.startsWith(`${a.rule}[`));
  });
}

describe('cdk-nag AwsSolutionsChecks', () => {
  let findings: Finding[];
  let example: IrsaExampleStack;
  beforeAll(() => {
    findings = awsSolutionsFindings(outdir => {
      const built = buildExampleApp(outdir);
      example = built.stack;
      return built.app;
    });
  });

  test('the checks run and find what the example\'s aws-eks cluster brings', () => {
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.some(f => f.rule === 'AwsSolutions-EKS1')).toBe(true);
  });

  test('every finding of the example app is acknowledged with a written reason', () => {
    expect(findings.filter(f => !acknowledgementOf(example, f))).toEqual([]);
    for (const acknowledgement of EXAMPLE_ACKNOWLEDGEMENTS) {
      expect(acknowledgement.reason.length).toBeGreaterThanOrEqual(40);
    }
  });

  test('no acknowledgement is stale', () => {
    const used = new Set(findings.map(f => acknowledgementOf(example, f)));
    expect(EXAMPLE_ACKNOWLEDGEMENTS.filter(a => !used.has(a)).map(a => `${a.scope(example).node.path} ${a.rule}`)).toEqual([]);
  });

  test('the only findings on cdk-irsa constructs are the wildcards of the example\'s own grants', () => {
    const onBindings = findings.filter(f => isCdkIrsa(example.node.root, f.path));
    expect(onBindings.map(f => f.path).sort()).toEqual(expect.arrayContaining([
      'IrsaExample/LedgerReader/Role/Resource', 'IrsaExample/MetricsPublisher/Role/Resource',
    ]));
    for (const finding of onBindings) {
      expect(finding.rule).toMatch(/^AwsSolutions-IAM5\[/);
      expect(finding.path).toMatch(/^IrsaExample\/(LedgerReader|MetricsPublisher)\/Role\/Resource$/);
    }
  });

  /** The example's findings after acknowledging all of them but those `skip` selects. */
  function findingsAcknowledging(skip: (finding: Finding) => boolean): Finding[] {
    return awsSolutionsFindings(outdir => {
      const { app, stack } = buildExampleApp(outdir);
      for (const finding of findings.filter(f => !skip(f))) {
        const acknowledgement = acknowledgementOf(stack, finding)!;
        Validations.of(acknowledgement.scope(stack)).acknowledge({ id: finding.rule, reason: acknowledgement.reason });
      }
      return app;
    });
  }

  test('synthesis passes with the acknowledgements applied through Validations.of(...).acknowledge', () => {
    expect(findingsAcknowledging(() => false)).toEqual([]);
  });

  test('an acknowledgement left out brings its finding back, so the checks did run', () => {
    const left = (f: Finding) => f.rule === 'AwsSolutions-S1';
    expect(findingsAcknowledging(left)).toEqual(findings.filter(left));
    expect(findings.filter(left)).toHaveLength(1);
  });

  test('bindings cause no finding of their own, for a new and an imported cluster, whatever their settings', () => {
    let app!: App;
    const found = awsSolutionsFindings(outdir => {
      app = new App({ outdir });
      const env = { account: ACCOUNT, region: 'us-east-1' };
      const withNew = new Stack(app, 'New', { env });
      const withImported = new Stack(app, 'Imported', { env });
      for (const [stack, cluster] of [[withNew, newCluster(withNew)], [withImported, importedCluster(withImported)]] as const) {
        new IrsaBinding(stack, 'Shared', { cluster, namespace: 'payments' });
        new IrsaBinding(stack, 'Isolated', { cluster, isolatedManifest: true, labels: { team: 'ledger' } });
        new IrsaBinding(stack, 'Retained', { cluster, overwriteServiceAccount: true, removalPolicy: RemovalPolicy.RETAIN, inlinePermissions: false });
      }
      return app;
    });
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter(f => isCdkIrsa(app, f.path))).toEqual([]);
  });
});
