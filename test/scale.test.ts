/**
 * Issue 4: hundreds of bindings per stack, no Lambda for trust. Resource counts only (timing is
 * the benchmark's business: npx projen bench). The assertions compare a stack with 200 bindings to
 * the same stack without bindings, in every template (nested stacks included), so that they hold
 * whatever resources a binding is made of.
 */
import { Fn, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { IrsaBinding } from '../src';
import { importedCluster, newStack, PROVIDER_ARN } from './support/fixtures';

const BINDINGS = 200;
const KUBECTL_MANIFEST = 'Custom::AWSCDK-EKS-KubernetesResource';

interface Counts {
  /** Resources of all templates of the stack, nested stacks included. */
  readonly resources: number;
  readonly byType: Record<string, number>;
  /** Roles of the stack's own template whose permissions include reading the bucket. */
  readonly bucketReaders: number;
}

/**
 * The stack of the benchmark: a cluster, a shared bucket, the namespace applied with a
 * KubernetesManifest (so the kubectl provider is there without bindings), and N bindings, each
 * granted read access to the bucket.
 */
function synthesize(providerArn: string, bindings: number): Counts {
  // we count the resources ourselves: do not let aws-cdk-lib stop the synth at 500
  const stack = newStack({ '@aws-cdk/core:stackResourceLimit': 0 });
  Validations.of(stack).acknowledge({ id: 'CloudFormation-Validate::F0007', reason: 'stacks over 500 resources are counted on purpose' });
  const cluster = importedCluster(stack, providerArn);
  const bucket = new s3.Bucket(stack, 'Shared');
  new eks.KubernetesManifest(stack, 'Namespace', {
    cluster,
    manifest: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } }],
  });
  for (let i = 0; i < bindings; i++) {
    bucket.grantRead(new IrsaBinding(stack, `Workload${i}`, { cluster, namespace: 'bench' }));
  }

  const stacks: Stack[] = [stack, ...stack.node.findAll().filter((c: IConstruct): c is NestedStack => NestedStack.isNestedStack(c))];
  const templates = stacks.map(s => Template.fromStack(s).toJSON());
  const byType: Record<string, number> = {};
  for (const template of templates) {
    for (const resource of Object.values<any>(template.Resources ?? {})) {
      byType[resource.Type] = (byType[resource.Type] ?? 0) + 1;
    }
  }
  return {
    resources: Object.values(byType).reduce((a, b) => a + b, 0),
    byType,
    bucketReaders: bucketReaders(templates[0], logicalIdOfBucket(templates[0])),
  };
}

function logicalIdOfBucket(template: any): string {
  const ids = Object.keys(template.Resources).filter(id => template.Resources[id].Type === 'AWS::S3::Bucket');
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** Roles that may s3:GetObject* the bucket, by an inline policy of the role or by an AWS::IAM::Policy attached to it. */
function bucketReaders(template: any, bucketId: string): number {
  const resources: Record<string, any> = template.Resources;
  const readsBucket = (document: any) => (document?.Statement ?? []).some((s: any) =>
    s.Effect === 'Allow' && [s.Action].flat().includes('s3:GetObject*') && JSON.stringify(s.Resource).includes(`"${bucketId}"`));
  const readers = new Set<string>();
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::IAM::Role' && (resource.Properties?.Policies ?? []).some((p: any) => readsBucket(p.PolicyDocument))) {
      readers.add(id);
    }
    if (resource.Type === 'AWS::IAM::Policy' && readsBucket(resource.Properties?.PolicyDocument)) {
      for (const role of resource.Properties?.Roles ?? []) {
        if (role?.Ref && resources[role.Ref]?.Type === 'AWS::IAM::Role') readers.add(role.Ref);
      }
    }
  }
  return readers.size;
}

const count = (counts: Counts, predicate: (type: string) => boolean) =>
  Object.entries(counts.byType).filter(([type]) => predicate(type)).reduce((sum, [, n]) => sum + n, 0);
const isCustomResource = (type: string) => type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';

describe.each([
  ['a literal issuer', PROVIDER_ARN],
  ['a deploy-time issuer (Fn::ImportValue)', Fn.importValue('prod-oidc-provider-arn')],
])(`${BINDINGS} bindings on one cluster with %s, each granted S3 read`, (_, providerArn) => {
  let without: Counts;
  let withBindings: Counts;
  beforeAll(() => {
    without = synthesize(providerArn, 0);
    withBindings = synthesize(providerArn, BINDINGS);
  }, 120_000);

  test('are all there: one role per binding, each allowed to read the bucket', () => {
    expect(count(withBindings, t => t === 'AWS::IAM::Role') - count(without, t => t === 'AWS::IAM::Role')).toBe(BINDINGS);
    expect(withBindings.bucketReaders - without.bucketReaders).toBe(BINDINGS);
    expect(count(withBindings, t => t === KUBECTL_MANIFEST)).toBeGreaterThan(count(without, t => t === KUBECTL_MANIFEST));
  });

  test('produce no Custom::AWSCDKCfnJson', () => {
    expect(withBindings.byType['Custom::AWSCDKCfnJson'] ?? 0).toBe(0);
  });

  test('produce no Lambda function beyond what the stack without bindings has', () => {
    expect(count(withBindings, t => t === 'AWS::Lambda::Function')).toBe(count(without, t => t === 'AWS::Lambda::Function'));
  });

  test('produce no Lambda-backed resource other than the kubectl manifests that apply the ServiceAccounts', () => {
    const others = (c: Counts) => count(c, t => isCustomResource(t) && t !== KUBECTL_MANIFEST);
    expect(others(withBindings)).toBe(others(without));
  });

  test('add one role per binding and at most 8 shared manifests, nothing else', () => {
    // issue 4's target is at most 0.35 of aws-eks ServiceAccount's ~4 resources per binding
    const manifests = count(withBindings, t => t === KUBECTL_MANIFEST) - count(without, t => t === KUBECTL_MANIFEST);
    expect(manifests).toBeLessThanOrEqual(8);
    expect(withBindings.resources - without.resources).toBe(BINDINGS + manifests);
    expect((withBindings.resources - without.resources) / BINDINGS).toBeLessThanOrEqual(0.35 * 4);
  });
});
