import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IrsaBinding, IrsaBindingOptions } from '../src';
import { CfnEvaluator } from './support/cfn-eval';
import { importedCluster, newCluster, newStack } from './support/fixtures';
import { SchemaResult, validateKubernetesObjects } from './support/kubernetes-schema';
import { renderServiceAccounts } from '../src/private/service-account-manifest';

const LONGEST_PREFIX = `${'p'.repeat(63)}.${'q'.repeat(63)}.${'r'.repeat(63)}.${'s'.repeat(61)}`;

/** Bindings whose ServiceAccounts sit at the edges of what Kubernetes accepts. */
const EDGE_BINDINGS: Array<[string, IrsaBindingOptions]> = [
  ['defaults', {}],
  ['kube-system', { namespace: 'kube-system', serviceAccountName: 'aws-load-balancer-controller' }],
  ['1-character namespace and name', { namespace: 'a', serviceAccountName: 'b' }],
  ['63-character namespace, 253-character name', {
    namespace: 'n'.repeat(63),
    serviceAccountName: Array.from({ length: 4 }, () => 'x'.repeat(62)).join('.') + '.y',
  }],
  ['longest label key, 63-character and empty values', {
    namespace: 'labels',
    labels: { [`${LONGEST_PREFIX}/${'N'.repeat(63)}`]: 'v'.repeat(63), 'empty': '', 'A_b.C-d': 'Z_y.X-w' },
  }],
  ['annotations with free text, unicode and the longest key', {
    namespace: 'annotations',
    annotations: {
      [`${LONGEST_PREFIX}/${'n'.repeat(63)}`]: 'free text: spaces, "quotes", newlines\nand unicode é ✓',
      empty: '',
    },
    // the webhook's annotations come from their typed props
    audience: 'https://ledger.example.com',
    stsRegionalEndpoints: true,
    tokenExpiration: Duration.days(1),
  }],
  ['isolated manifest that overwrites', { namespace: 'isolated', isolatedManifest: true, overwriteServiceAccount: true }],
];

/** Every object of every KubernetesManifest in a template, as the kubectl handler receives it. */
function manifestObjects(stack: Stack): any[] {
  const template = Template.fromStack(stack).toJSON();
  const evaluator = new CfnEvaluator(template);
  return Object.values<any>(template.Resources)
    .filter(resource => resource.Type === 'Custom::AWSCDK-EKS-KubernetesResource')
    .flatMap(resource => evaluator.evaluateDocument(resource.Properties.Manifest));
}

describe('ServiceAccount manifests are valid against the Kubernetes OpenAPI schema (kubernetes-models)', () => {
  let objects: any[];
  let results: SchemaResult[];
  beforeAll(() => {
    const literal = newStack();
    const cluster = importedCluster(literal);
    EDGE_BINDINGS.forEach(([, options], index) => new IrsaBinding(literal, `Edge${index}`, { cluster, ...options }));
    const deployTime = newStack();
    new IrsaBinding(deployTime, 'LedgerReader', { cluster: newCluster(deployTime), namespace: 'payments' });

    objects = [...manifestObjects(literal), ...manifestObjects(deployTime)];
    results = validateKubernetesObjects(objects);
  });

  test('every binding\'s ServiceAccount is in a manifest, annotated with its role', () => {
    expect(objects.filter(o => o.kind === 'ServiceAccount')).toHaveLength(EDGE_BINDINGS.length + 1);
    for (const object of objects) {
      expect(object.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::123456789012:role\//);
    }
  });

  test.each(EDGE_BINDINGS.map(([name], index) => [name, index] as const))('accepts the ServiceAccount of %s', (_, index) => {
    const name = EDGE_BINDINGS[index][1].serviceAccountName ?? `edge${index}`;
    const found = objects.map((object, i) => ({ object, result: results[i] })).filter(({ object }) => object.metadata.name === name);
    expect(found).toHaveLength(1);
    expect(found[0].result).toEqual({ valid: true });
  });

  test('accepts every object of every manifest', () => {
    expect(results.filter(r => !r.valid)).toEqual([]);
  });

  test('accepts annotations that take the whole 256 KiB with the role annotation', () => {
    const roleArn = `arn:aws-us-gov:iam::123456789012:role/${'r'.repeat(64)}`;
    const note = 'x'.repeat(256 * 1024 - 'eks.amazonaws.com/role-arn'.length - roleArn.length - 'note'.length);
    const [object] = renderServiceAccounts([{ name: 'big', namespace: 'default', labels: {}, annotations: { 'note': note, 'eks.amazonaws.com/role-arn': roleArn } }]);
    const total = Object.entries<string>(object.metadata.annotations).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
    expect(total).toBe(256 * 1024);
    expect(validateKubernetesObjects([object])).toEqual([{ valid: true }]);
  });

  test('the validator is a real check: it rejects malformed ServiceAccounts', () => {
    const [valid] = objects;
    const broken = [
      { ...valid, metadata: { ...valid.metadata, labels: { team: 1 } } },
      { ...valid, metadata: { ...valid.metadata, annotations: { note: { nested: true } } } },
      { ...valid, metadata: { ...valid.metadata, name: 42 } },
      { ...valid, automountServiceAccountToken: 'yes' },
      { ...valid, secrets: 'all' },
    ];
    const brokenResults = validateKubernetesObjects(broken);
    expect(brokenResults.map(r => r.valid)).toEqual(broken.map(() => false));
    expect(brokenResults[0].error).toMatch(/metadata\/labels\/team must be string/);
  });
});
