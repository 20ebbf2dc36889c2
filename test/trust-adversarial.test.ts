import { Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildExampleApp } from '../examples/app';
import { IrsaBinding } from '../src';
import { CfnEvalOptions } from './support/cfn-eval';
import { ACCOUNT, importedCluster, newCluster, newStack, PROVIDER_ARN } from './support/fixtures';
import { deployedBinding, DeployedBinding } from './support/template';
import { trustPolicyProblems } from './support/trust-shape';
import { AssumeRequest, simulateAssume } from './support/trust-simulator';
import { BindingRole } from '../src/private/role';

const NAMESPACE = 'payments';
const NAME = 'ledger-reader';
const SUB = `system:serviceaccount:${NAMESPACE}:${NAME}`;
const AUD = 'sts.amazonaws.com';
const OTHER_ACCOUNT = '210987654321';

/** What differs from the bound service account's own request; `null` removes a context key. */
interface NearMiss {
  readonly sub?: string | null;
  readonly aud?: string | null;
  readonly action?: string;
  /** Replaces the provider ARN, given the bound provider's ARN and issuer. */
  readonly provider?: (arn: string, issuer: string) => string;
  /** Keys the context with this issuer instead of the bound one, given the bound issuer. */
  readonly keyIssuer?: (issuer: string) => string;
  /** Context keys added to the request. */
  readonly extra?: (issuer: string) => Record<string, string>;
}

const otherIssuer = (issuer: string) => issuer.replace(/\/id\/.*$/, '/id/0123456789ABCDEF0123456789ABCDEF');

const NEAR_MISSES: Array<[string, NearMiss]> = [
  // another service account
  ['another name in the namespace', { sub: `system:serviceaccount:${NAMESPACE}:ledger-writer` }],
  ['the name in another namespace', { sub: `system:serviceaccount:default:${NAME}` }],
  ['the name in kube-system', { sub: `system:serviceaccount:kube-system:${NAME}` }],
  ['a prefix of the name', { sub: `system:serviceaccount:${NAMESPACE}:ledger` }],
  ['the name with a suffix', { sub: `system:serviceaccount:${NAMESPACE}:${NAME}-2` }],
  ['the name behind a prefix', { sub: `system:serviceaccount:${NAMESPACE}:x${NAME}` }],
  ['a prefix of the namespace', { sub: `system:serviceaccount:pay:${NAME}` }],
  ['the namespace with a suffix', { sub: `system:serviceaccount:${NAMESPACE}-dev:${NAME}` }],
  ['the name in upper case', { sub: `system:serviceaccount:${NAMESPACE}:${NAME.toUpperCase()}` }],
  ['the namespace in upper case', { sub: `system:serviceaccount:${NAMESPACE.toUpperCase()}:${NAME}` }],
  ['the whole subject in upper case', { sub: SUB.toUpperCase() }],
  ['the name with _ for -', { sub: `system:serviceaccount:${NAMESPACE}:ledger_reader` }],
  ['the name with . for -', { sub: `system:serviceaccount:${NAMESPACE}:ledger.reader` }],
  ['* as the name', { sub: `system:serviceaccount:${NAMESPACE}:*` }],
  ['* as the namespace', { sub: `system:serviceaccount:*:${NAME}` }],
  ['* as the subject', { sub: '*' }],
  ['the subject with a leading space', { sub: ` ${SUB}` }],
  ['the subject with a trailing space', { sub: `${SUB} ` }],
  ['the subject with a trailing newline', { sub: `${SUB}\n` }],
  ['an extra : segment after the name', { sub: `${SUB}:extra` }],
  ['an extra : segment between namespace and name', { sub: `system:serviceaccount:${NAMESPACE}:x:${NAME}` }],
  ['namespace and name swapped', { sub: `system:serviceaccount:${NAME}:${NAMESPACE}` }],
  ['the namespace\'s service account group', { sub: `system:serviceaccounts:${NAMESPACE}` }],
  ['the group of all service accounts', { sub: 'system:serviceaccounts' }],
  ['a node identity', { sub: 'system:node:ip-10-0-0-1.ec2.internal' }],
  ['the bare name', { sub: NAME }],
  ['namespace:name without the prefix', { sub: `${NAMESPACE}:${NAME}` }],
  ['an empty sub', { sub: '' }],
  ['no sub', { sub: null }],
  // another audience
  ['an empty aud', { aud: '' }],
  ['no aud', { aud: null }],
  ['neither sub nor aud', { sub: null, aud: null }],
  ['the China STS audience', { aud: 'sts.amazonaws.com.cn' }],
  ['the Kubernetes API audience', { aud: 'https://kubernetes.default.svc' }],
  ['the Kubernetes API audience without scheme', { aud: 'kubernetes.default.svc' }],
  ['the audience in upper case', { aud: AUD.toUpperCase() }],
  ['the audience with a trailing space', { aud: `${AUD} ` }],
  ['* as the audience', { aud: '*' }],
  ['the audience in azp instead of aud', { aud: null, extra: issuer => ({ [`${issuer}:azp`]: AUD }) }],
  // another provider
  ['another provider of the account, with its own claims', { provider: (arn, issuer) => arn.replace(issuer, otherIssuer(issuer)), keyIssuer: otherIssuer }],
  ['another provider of the account, with claims keyed by the bound issuer', { provider: (arn, issuer) => arn.replace(issuer, otherIssuer(issuer)) }],
  ['the same issuer registered in another account', { provider: arn => arn.replace(`:${ACCOUNT}:`, `:${OTHER_ACCOUNT}:`) }],
  ['the same issuer id in another region', { provider: arn => arn.replace(/oidc\.eks\.[a-z0-9-]+\./, 'oidc.eks.eu-west-1.'), keyIssuer: issuer => issuer.replace(/oidc\.eks\.[a-z0-9-]+\./, 'oidc.eks.eu-west-1.') }],
  ['the provider in another partition', { provider: arn => arn.replace(/^arn:aws:/, 'arn:aws-cn:') }],
  ['claims keyed by the issuer URL with https://', { keyIssuer: issuer => `https://${issuer}` }],
  // another action
  ['sts:AssumeRole', { action: 'sts:AssumeRole' }],
  ['sts:TagSession', { action: 'sts:TagSession' }],
  ['sts:AssumeRoleWithSAML', { action: 'sts:AssumeRoleWithSAML' }],
  ['sts:SetSourceIdentity', { action: 'sts:SetSourceIdentity' }],
];

function request(binding: DeployedBinding, miss: NearMiss = {}): AssumeRequest {
  const arn: string = binding.trustPolicy.Statement[0].Principal.Federated;
  const issuer = arn.split(':oidc-provider/')[1];
  const keyIssuer = miss.keyIssuer?.(issuer) ?? issuer;
  const context: Record<string, string> = { ...miss.extra?.(issuer) };
  const sub = miss.sub === undefined ? SUB : miss.sub;
  const aud = miss.aud === undefined ? AUD : miss.aud;
  if (sub !== null) context[`${keyIssuer}:sub`] = sub;
  if (aud !== null) context[`${keyIssuer}:aud`] = aud;
  return { provider: miss.provider?.(arn, issuer) ?? arn, context, action: miss.action };
}

function decide(binding: DeployedBinding, miss?: NearMiss) {
  return simulateAssume(binding.trustPolicy, binding.roleArn, request(binding, miss));
}

const ISSUER_KINDS: Array<[string, (stack: Stack) => iam.IOpenIdConnectProvider | undefined, (stack: Stack) => any, CfnEvalOptions]> = [
  ['a literal issuer', () => undefined, importedCluster, {}],
  ['a new cluster\'s issuer (custom resource provider)', () => undefined, newCluster, {}],
  ['a provider ARN imported with Fn::ImportValue', stack =>
    iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Imported', Fn.importValue('prod-oidc-provider')),
  importedCluster, { imports: { 'prod-oidc-provider': PROVIDER_ARN } }],
];

describe.each(ISSUER_KINDS)('trust of a binding with %s, evaluated by an independent IAM simulator', (_, makeProvider, makeCluster, evalOptions) => {
  let binding: DeployedBinding;
  beforeAll(() => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', {
      cluster: makeCluster(stack),
      openIdConnectProvider: makeProvider(stack),
      namespace: NAMESPACE,
    });
    binding = deployedBinding(Template.fromStack(stack), 'LedgerReader', evalOptions);
  });

  test('allows the bound service account with the sts audience through sts:AssumeRoleWithWebIdentity', () => {
    expect(decide(binding)).toBe('Allowed');
  });

  test('allows it with unrelated extra claims in the token', () => {
    expect(decide(binding, { extra: issuer => ({ [`${issuer}:amr`]: 'authenticated', [`${issuer}:azp`]: 'x' }) })).toBe('Allowed');
  });

  test(`denies ${NEAR_MISSES.length} near misses`, () => {
    expect(NEAR_MISSES.length).toBeGreaterThanOrEqual(30);
  });

  test.each(NEAR_MISSES)('denies %s', (__, miss) => {
    const near = request(binding, miss);
    // a near miss differs from the allowed request
    expect(near).not.toEqual(request(binding));
    expect(decide(binding, miss)).toBe('ImplicitlyDenied');
  });

  test('pins sub and aud in every Allow statement', () => {
    expect(trustPolicyProblems(binding.trustPolicy)).toEqual([]);
  });
});

describe('the simulator is a real check: each pin is what denies its near misses', () => {
  let binding: DeployedBinding;
  beforeAll(() => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), namespace: NAMESPACE });
    binding = deployedBinding(Template.fromStack(stack), 'LedgerReader');
  });

  /** The binding's trust policy with the conditions on one claim removed. */
  function without(claim: 'sub' | 'aud'): DeployedBinding {
    const trustPolicy = JSON.parse(JSON.stringify(binding.trustPolicy));
    for (const statement of trustPolicy.Statement) {
      for (const key of Object.keys(statement.Condition.StringEquals)) {
        if (key.endsWith(`:${claim}`)) delete statement.Condition.StringEquals[key];
      }
    }
    return { ...binding, trustPolicy };
  }

  test('without the sub condition, another service account of the cluster is allowed, and the shape check objects', () => {
    const unpinned = without('sub');
    expect(decide(unpinned, { sub: `system:serviceaccount:default:${NAME}` })).toBe('Allowed');
    expect(decide(unpinned, { sub: null })).toBe('Allowed');
    expect(trustPolicyProblems(unpinned.trustPolicy)).toEqual([expect.stringMatching(/:sub is not pinned by StringEquals/)]);
  });

  test('without the aud condition, a Kubernetes API token is allowed, and the shape check objects', () => {
    const unpinned = without('aud');
    expect(decide(unpinned, { aud: 'https://kubernetes.default.svc' })).toBe('Allowed');
    expect(trustPolicyProblems(unpinned.trustPolicy)).toEqual([expect.stringMatching(/:aud is not pinned by StringEquals/)]);
  });

  test('the shape check objects to StringLike, IfExists, wildcards, extra actions and statements without conditions', () => {
    const [statement] = binding.trustPolicy.Statement;
    const [subKey, audKey] = Object.keys(statement.Condition.StringEquals).sort((a, b) => b.localeCompare(a));
    const variants = [
      { ...statement, Condition: { StringLike: statement.Condition.StringEquals } },
      { ...statement, Condition: { StringEqualsIfExists: statement.Condition.StringEquals } },
      { ...statement, Condition: { StringEquals: { [subKey]: `system:serviceaccount:${NAMESPACE}:*`, [audKey]: AUD } } },
      { ...statement, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] },
      { ...statement, Condition: undefined },
    ];
    for (const variant of variants) {
      expect(trustPolicyProblems({ Version: '2012-10-17', Statement: [statement, variant] })).not.toEqual([]);
    }
  });
});

describe('every Allow statement of every synthesized binding pins sub and aud', () => {
  /** Every binding's role in an app, found through the construct tree, whatever the public class. */
  function bindingRoles(stack: Stack): BindingRole[] {
    return stack.node.findAll().filter((c): c is BindingRole => c instanceof BindingRole && Stack.of(c) === stack);
  }

  function problemsOf(stack: Stack, evalOptions?: CfnEvalOptions): Record<string, string[]> {
    const template = Template.fromStack(stack);
    const result: Record<string, string[]> = {};
    for (const role of bindingRoles(stack)) {
      const bindingId = role.node.scope!.node.id;
      result[role.node.path] = trustPolicyProblems(deployedBinding(template, bindingId, evalOptions).trustPolicy);
    }
    return result;
  }

  test('in a matrix of issuers, providers, audiences, names and manifest settings', () => {
    const stack = newStack({ '@aws-cdk/aws-eks:useNativeOidcProvider': true });
    const cluster = newCluster(stack);
    const imported = importedCluster(new Stack(stack.node.root, 'Imported', { env: { account: ACCOUNT, region: 'us-east-1' } }));
    const importedStack = Stack.of(imported);
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(importedStack, 'ByImport', Fn.importValue('prod-oidc-provider'));
    const options = [
      { namespace: 'payments' },
      { namespace: 'kube-system', serviceAccountName: 'a' },
      { audience: 'ledger.example.com', serviceAccountName: 'custom-audience' },
      { isolatedManifest: true, serviceAccountName: 'isolated' },
      { overwriteServiceAccount: true, removalPolicy: RemovalPolicy.RETAIN, serviceAccountName: 'retained' },
      { inlinePermissions: false, roleName: 'ledger-reader', serviceAccountName: 'named' },
    ];
    // role names are unique per account: prefix them per group
    const named = (prefix: string) => options.map(o => (o.roleName ? { ...o, roleName: `${prefix}-${o.roleName}` } : o));
    named('new').forEach((o, i) => new IrsaBinding(stack, `New${i}`, { cluster, ...o }));
    named('literal').forEach((o, i) => new IrsaBinding(importedStack, `Literal${i}`, { cluster: imported, ...o }));
    named('by-import').forEach((o, i) => new IrsaBinding(importedStack, `ByImport${i}`, { cluster: imported, openIdConnectProvider: provider, ...o, namespace: 'by-import' }));

    const problems = {
      ...problemsOf(stack),
      ...problemsOf(importedStack, { imports: { 'prod-oidc-provider': PROVIDER_ARN } }),
    };
    expect(Object.keys(problems)).toHaveLength(3 * options.length);
    for (const [path, found] of Object.entries(problems)) {
      expect({ path, found }).toEqual({ path, found: [] });
    }
  });

  test('in the example app', () => {
    const { stack } = buildExampleApp();
    const problems = problemsOf(stack);
    expect(Object.keys(problems).sort()).toEqual(stack.bindings.map(b => `${b.node.path}/Role`).sort());
    for (const [path, found] of Object.entries(problems)) {
      expect({ path, found }).toEqual({ path, found: [] });
    }
  });
});
