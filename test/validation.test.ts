import { App, Duration, Fn, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IrsaBinding, IrsaBindingOptions } from '../src';
import { CfnEvaluator } from './support/cfn-eval';
import { ACCOUNT, importedCluster, ISSUER, newCluster, newStack, PROVIDER_ARN } from './support/fixtures';
import { deployedBinding, logicalIdOf } from './support/template';
import { measureTrustPolicy } from '../src/private/trust-policy-size';
import { validateMaxSessionDuration } from '../src/private/validation';

/** Builds one binding with the given options on a fresh stack and imported cluster. */
function bind(options: IrsaBindingOptions, id = 'LedgerReader'): IrsaBinding {
  const stack = newStack();
  return new IrsaBinding(stack, id, { cluster: importedCluster(stack), ...options });
}

const KIB_256 = 256 * 1024;
const ROLE_ARN_KEY = 'eks.amazonaws.com/role-arn';
/** What the validation reserves for the role ARN annotation: its key and the longest role ARN. */
const ROLE_ARN_RESERVE = ROLE_ARN_KEY.length + 'arn:aws-us-gov:iam::123456789012:role/'.length + 64;

describe('invalid input fails at synth time with the prop, the value, the rule and a fix', () => {
  const invalid: Array<[string, IrsaBindingOptions, RegExp]> = [
    // namespace: a DNS-1123 label
    ['the namespace is empty', { namespace: '' }, /^Stack\/LedgerReader: invalid namespace "": .*DNS-1123 label of 1-63/],
    ['the namespace has an uppercase letter', { namespace: 'Payments' }, /invalid namespace "Payments": .*; try "payments"$/],
    ['the namespace has an underscore', { namespace: 'pay_ments' }, /invalid namespace "pay_ments": .*; try "pay-ments"$/],
    ['the namespace has a dot', { namespace: 'pay.ments' }, /invalid namespace "pay\.ments": /],
    ['the namespace starts with a dash', { namespace: '-payments' }, /invalid namespace "-payments": .*; try "payments"$/],
    ['the namespace ends with a dash', { namespace: 'payments-' }, /invalid namespace "payments-": /],
    ['the namespace has 64 characters', { namespace: 'a'.repeat(64) }, /invalid namespace "a{64}": .*1-63 characters/],
    ['the namespace has a leading space', { namespace: ' payments' }, /invalid namespace " payments": .*; try "payments"$/],
    ['the namespace has a trailing newline', { namespace: 'payments\n' }, /invalid namespace "payments\\n": /],
    ['the namespace is a wildcard', { namespace: '*' }, /invalid namespace "\*": /],
    ['the namespace has a colon, which would add a segment to the subject', { namespace: 'a:b' }, /invalid namespace "a:b": /],
    // serviceAccountName: a DNS-1123 subdomain
    ['the service account name is empty', { serviceAccountName: '' }, /invalid serviceAccountName "": .*DNS-1123 subdomain of 1-253/],
    ['the service account name has an uppercase letter', { serviceAccountName: 'Ledger' }, /invalid serviceAccountName "Ledger": .*; try "ledger"$/],
    ['the service account name has an underscore', { serviceAccountName: 'ledger_reader' }, /invalid serviceAccountName "ledger_reader": /],
    ['the service account name starts with a dot', { serviceAccountName: '.ledger' }, /invalid serviceAccountName "\.ledger": /],
    ['the service account name ends with a dot', { serviceAccountName: 'ledger.' }, /invalid serviceAccountName "ledger\.": /],
    ['the service account name has an empty segment', { serviceAccountName: 'ledger..reader' }, /invalid serviceAccountName "ledger\.\.reader": /],
    ['the service account name has 254 characters', { serviceAccountName: 'a'.repeat(254) }, /invalid serviceAccountName "a{254}": /],
    ['the service account name has a space', { serviceAccountName: 'ledger reader' }, /invalid serviceAccountName "ledger reader": /],
    ['the service account name has a colon, which would add a segment to the subject', { serviceAccountName: 'ledger:reader' }, /invalid serviceAccountName "ledger:reader": /],
    ['the service account name is a wildcard', { serviceAccountName: '*' }, /invalid serviceAccountName "\*": /],
    // audience
    ['the audience is empty', { audience: '' }, /invalid audience "": .*1-255 characters without whitespace/],
    ['the audience has a leading space', { audience: ' sts.amazonaws.com' }, /invalid audience " sts\.amazonaws\.com": /],
    ['the audience has a tab inside', { audience: 'sts\tamazonaws.com' }, /invalid audience "sts\\tamazonaws\.com": /],
    ['the audience has 256 characters', { audience: 'a'.repeat(256) }, /invalid audience "a{256}": /],
    // roleName
    ['the role name is empty', { roleName: '' }, /invalid roleName "" \(0 characters\): an IAM role name must be 1-64 characters/],
    ['the role name has 65 characters', { roleName: 'r'.repeat(65) }, /invalid roleName "r{65}" \(65 characters\): .*; try "r{64}"$/],
    ['the role name has a slash', { roleName: 'team/ledger' }, /invalid roleName "team\/ledger" .*; try "team-ledger"$/],
    ['the role name has a space', { roleName: 'ledger reader' }, /invalid roleName "ledger reader" .*; try "ledger-reader"$/],
    ['the role name has a non-ASCII letter', { roleName: 'rôle' }, /invalid roleName "rôle" /],
    // maxSessionDuration
    ['the max session duration is under an hour', { maxSessionDuration: Duration.minutes(59) }, /invalid maxSessionDuration "Duration\.minutes\(59\)" \(3540 seconds\): .*from 3600 \(1 hour\) to 43200 \(12 hours\)/],
    ['the max session duration is over 12 hours', { maxSessionDuration: Duration.hours(13) }, /invalid maxSessionDuration "Duration\.hours\(13\)" \(46800 seconds\)/],
    ['the max session duration is not a whole number of seconds', { maxSessionDuration: Duration.millis(3_600_500) }, /invalid maxSessionDuration .*\(3600\.5 seconds\)/],
    // labels
    ['a label key is empty', { labels: { '': 'x' } }, /invalid labels: key "" is not a Kubernetes qualified name: the name must be 1-63/],
    ['a label key has two slashes', { labels: { 'a/b/c': 'x' } }, /invalid labels: key "a\/b\/c" .*at most one '\/'/],
    ['a label key has an empty prefix', { labels: { '/name': 'x' } }, /invalid labels: key "\/name" .*prefix before '\/' must be a DNS-1123 subdomain/],
    ['a label key prefix has an uppercase letter', { labels: { 'Example.com/name': 'x' } }, /invalid labels: key "Example\.com\/name" .*prefix/],
    ['a label key prefix has 254 characters', { labels: { [`${'a'.repeat(254)}/name`]: 'x' } }, /invalid labels: key "a{40}"\.\.\."a{15}\/name" \(259 characters\) .*prefix/],
    ['a label key name has 64 characters', { labels: { ['n'.repeat(64)]: 'x' } }, /invalid labels: key .*the name must be 1-63 characters/],
    ['a label key name starts with a dash', { labels: { 'example.com/-name': 'x' } }, /invalid labels: key "example\.com\/-name" .*the name after '\/' must/],
    ['a label key has a space', { labels: { 'app name': 'x' } }, /invalid labels: key "app name" /],
    ['a label value has 64 characters', { labels: { team: 'v'.repeat(64) } }, /invalid labels: value "v{64}" of "team" is not a valid label value: it must be empty or 1-63/],
    ['a label value starts with a dash', { labels: { team: '-ledger' } }, /invalid labels: value "-ledger" of "team"/],
    ['a label value has a space', { labels: { team: 'ledger team' } }, /invalid labels: value "ledger team" of "team".*put free text into an annotation instead$/],
    ['a label value has a slash', { labels: { team: 'ledger/reader' } }, /invalid labels: value "ledger\/reader" of "team"/],
    // annotations
    ['the annotations would replace the role annotation', { annotations: { [ROLE_ARN_KEY]: 'arn:aws:iam::123456789012:role/other' } }, /invalid annotations: "eks\.amazonaws\.com\/role-arn" is set by the binding/],
    ['an annotation key has a space', { annotations: { 'owner team': 'ledger' } }, /invalid annotations: key "owner team" is not a Kubernetes qualified name/],
    ['an annotation key has two slashes', { annotations: { 'example.com/a/b': 'x' } }, /invalid annotations: key "example\.com\/a\/b" .*at most one '\/'/],
    ['an annotation key is empty', { annotations: { '': 'x' } }, /invalid annotations: key "" /],
    ['one annotation value takes 256 KiB', { annotations: { blob: 'x'.repeat(KIB_256) } }, new RegExp(`invalid annotations: keys and values take ${KIB_256 + 4 + ROLE_ARN_RESERVE} bytes with the role ARN annotation, over Kubernetes' limit of ${KIB_256} bytes`)],
    ['the annotations take one byte more than 256 KiB together', {
      annotations: { a: 'x'.repeat(KIB_256 / 2), b: 'x'.repeat(KIB_256 / 2 - ROLE_ARN_RESERVE - 2 + 1) },
    }, new RegExp(`invalid annotations: keys and values take ${KIB_256 + 1} bytes`)],
    ['annotation values are counted in UTF-8 bytes', { annotations: { note: 'é'.repeat(KIB_256 / 2) } }, /invalid annotations: keys and values take \d+ bytes/],
    // removalPolicy
    ['the removal policy is SNAPSHOT, which roles and manifests do not support', { removalPolicy: RemovalPolicy.SNAPSHOT }, /invalid removalPolicy "snapshot": .*use RemovalPolicy\.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE$/],
    // trustPolicySizeQuota
    ['the trust policy size quota is under the default', { trustPolicySizeQuota: 1024 }, /invalid trustPolicySizeQuota 1024: .*pass a whole number from 2048 to 4096/],
    ['the trust policy size quota is over the maximum', { trustPolicySizeQuota: 4097 }, /invalid trustPolicySizeQuota 4097: /],
    ['the trust policy size quota is not a whole number', { trustPolicySizeQuota: 2048.5 }, /invalid trustPolicySizeQuota 2048\.5: /],
  ];

  test.each(invalid)('fails when %s', (_, options, expected) => {
    expect(() => bind(options)).toThrow(expected);
  });

  test('fails with errors in the house style: lowercase, no full stop, named ValidationError', () => {
    const messages = invalid.map(([, options]) => {
      try {
        bind(options);
        return 'no error';
      } catch (error: any) {
        expect(error.name).toBe('ValidationError');
        return error.message.replace(/^Stack\/LedgerReader: /, '');
      }
    });
    for (const message of messages) {
      expect(message).toMatch(/^invalid [a-zA-Z ]+/);
      expect(message).not.toMatch(/\.$/);
    }
  });
});

describe('valid edge cases are accepted and reach the template unchanged', () => {
  let template: Template;
  let stack: Stack;
  const bindings = new Map<string, IrsaBinding>();
  const edges: Array<[string, IrsaBindingOptions]> = [
    ['a 1-character namespace and name', { namespace: 'a', serviceAccountName: 'b' }],
    ['kube-system', { namespace: 'kube-system', serviceAccountName: 'aws-load-balancer-controller' }],
    ['a 63-character namespace', { namespace: `n${'0'.repeat(61)}n`, serviceAccountName: 'reader' }],
    ['a namespace of digits', { namespace: '0123', serviceAccountName: 'reader' }],
    ['a 253-character dotted name', { namespace: 'long', serviceAccountName: Array.from({ length: 4 }, () => 'x'.repeat(62)).join('.') + '.y' }],
    ['a 1-digit name', { namespace: 'digits', serviceAccountName: '1' }],
    ['a 255-character audience', { namespace: 'aud', serviceAccountName: 'reader', audience: 'a'.repeat(255) }],
    ['a URL audience', { namespace: 'aud', serviceAccountName: 'url', audience: 'https://ledger.example.com' }],
    ['a 64-character role name of every allowed symbol', { namespace: 'role', serviceAccountName: 'reader', roleName: `Ledger_+=,.@-${'r'.repeat(51)}` }],
    ['a 1-character role name', { namespace: 'role', serviceAccountName: 'short', roleName: 'r' }],
    ['a 1-hour session', { namespace: 'session', serviceAccountName: 'short', maxSessionDuration: Duration.hours(1) }],
    ['a 12-hour session', { namespace: 'session', serviceAccountName: 'long', maxSessionDuration: Duration.seconds(43200) }],
    ['labels at the edge: longest prefix and name, empty and 63-character values', {
      namespace: 'labels',
      serviceAccountName: 'edge',
      labels: {
        [`${'p'.repeat(63)}.${'q'.repeat(63)}.${'r'.repeat(63)}.${'s'.repeat(61)}/${'N'.repeat(63)}`]: 'v'.repeat(63),
        'empty': '',
        'A_b.C-d': 'Z_y.X-w',
        '1': '1',
      },
    }],
    ['annotations with a free-text value and the longest key', {
      namespace: 'annotations',
      serviceAccountName: 'edge',
      annotations: {
        [`${'a'.repeat(253)}/${'b'.repeat(63)}`]: 'free text: spaces, "quotes", newlines\nand unicode é',
        'eks.amazonaws.com/sts-regional-endpoints': 'true',
        'eks.amazonaws.com/token-expiration': '86400',
      },
    }],
    ['the largest trust policy size quota', { namespace: 'quota', serviceAccountName: 'max', trustPolicySizeQuota: 4096 }],
    ['the same name in another namespace', { namespace: 'kube-system', serviceAccountName: 'reader' }],
  ];

  beforeAll(() => {
    stack = newStack();
    const cluster = importedCluster(stack);
    edges.forEach(([, options], index) => bindings.set(`Edge${index}`, new IrsaBinding(stack, `Edge${index}`, { cluster, ...options })));
    template = Template.fromStack(stack);
  });

  test.each(edges.map(([name, options], index) => [name, options, `Edge${index}`] as const))('accepts %s', (_, options, id) => {
    const deployed = deployedBinding(template, id);
    const metadata = deployed.serviceAccount.metadata;
    expect(metadata.namespace).toBe(options.namespace);
    expect(metadata.name).toBe(options.serviceAccountName);
    expect(metadata.labels).toMatchObject(options.labels ?? {});
    // a non-default audience is also annotated, so that the pods' tokens carry the trusted aud
    const audience = options.audience && options.audience !== 'sts.amazonaws.com' ? { 'eks.amazonaws.com/audience': options.audience } : {};
    expect(metadata.annotations).toEqual({ ...options.annotations, ...audience, [ROLE_ARN_KEY]: deployed.roleArn });
    const [statement] = deployed.trustPolicy.Statement;
    expect(statement.Condition.StringEquals).toEqual({
      [`${ISSUER}:sub`]: `system:serviceaccount:${options.namespace}:${options.serviceAccountName}`,
      [`${ISSUER}:aud`]: options.audience ?? 'sts.amazonaws.com',
    });
    const role = template.toJSON().Resources[deployed.roleId].Properties;
    expect(role.RoleName).toBe(options.roleName);
    expect(role.MaxSessionDuration).toBe(options.maxSessionDuration?.toSeconds());
  });

  test('accepts annotations of exactly 256 KiB with the role ARN annotation, and fails one byte over', () => {
    const room = KIB_256 - ROLE_ARN_RESERVE - 'note'.length;
    expect(bind({ annotations: { note: 'x'.repeat(room) } }).serviceAccountName).toBe('ledger-reader');
    expect(() => bind({ annotations: { note: 'x'.repeat(room + 1) } })).toThrow(`keys and values take ${KIB_256 + 1} bytes`);
  });

  test('skips the session duration check for a token (iam.Role itself rejects token durations)', () => {
    const scope = newStack();
    const duration = Duration.seconds(Lazy.number({ produce: () => 7200 }));
    expect(() => validateMaxSessionDuration(scope, duration)).not.toThrow();
    expect(() => validateMaxSessionDuration(scope, Duration.seconds(7200))).not.toThrow();
    expect(() => validateMaxSessionDuration(scope, Duration.seconds(7199.5))).toThrow(/invalid maxSessionDuration/);
  });

  test('accepts a 1-character service account name derived from a 1-character construct id', () => {
    expect(bind({}, 'A').serviceAccountName).toBe('a');
  });

  test('skips every check for unresolved tokens', () => {
    const token = (name: string) => Fn.importValue(name);
    const binding = bind({
      namespace: token('namespace'),
      serviceAccountName: token('name'),
      audience: token('audience'),
      roleName: token('role-name'),
      labels: { team: token('team'), [token('label-key')]: 'x' },
      annotations: { note: token('note'), [token('annotation-key')]: 'x' },
      trustPolicySizeQuota: Token.asNumber(Fn.importValue('quota')),
    });
    Template.fromStack(Stack.of(binding)).hasResourceProperties('AWS::IAM::Role', { RoleName: { 'Fn::ImportValue': 'role-name' } });
    expect(Stack.of(binding).resolve(binding.subject)).toEqual({
      'Fn::Join': ['', ['system:serviceaccount:', { 'Fn::ImportValue': 'namespace' }, ':', { 'Fn::ImportValue': 'name' }]],
    });
  });
});

describe('a service account is bound once per cluster in an app', () => {
  test('fails when the same service account of one cluster is bound twice, naming both bindings', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    new IrsaBinding(stack, 'LedgerReader', { cluster, namespace: 'payments' });
    expect(() => new IrsaBinding(stack, 'Ledger', { cluster, namespace: 'payments', serviceAccountName: 'ledger-reader' }))
      .toThrow('Stack/Ledger: invalid serviceAccountName "ledger-reader" in namespace "payments": service account "payments/ledger-reader" of cluster Stack/Cluster is already bound by Stack/LedgerReader');
  });

  test('fails when the second binding is in another stack of the same app', () => {
    const clusterStack = newStack();
    const cluster = newCluster(clusterStack);
    new IrsaBinding(clusterStack, 'LedgerReader', { cluster });
    const workloads = new Stack(clusterStack.node.root, 'Workloads', { env: { account: ACCOUNT, region: 'us-east-1' } });
    expect(() => new IrsaBinding(workloads, 'LedgerReader', { cluster }))
      .toThrow(/^Workloads\/LedgerReader: .*"default\/ledger-reader" of cluster Stack\/Cluster is already bound by Stack\/LedgerReader, and one ServiceAccount can carry one role; grant both workloads' permissions to Stack\/LedgerReader, or give this binding another namespace or serviceAccountName$/);
  });

  test('accepts the same name in two namespaces, on two clusters, and in two apps', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    const other = importedCluster(new Stack(stack.node.root, 'Other', { env: { account: ACCOUNT, region: 'us-east-1' } }));
    const bindings = [
      new IrsaBinding(stack, 'Default', { cluster, serviceAccountName: 'reader' }),
      new IrsaBinding(stack, 'Payments', { cluster, namespace: 'payments', serviceAccountName: 'reader' }),
      new IrsaBinding(stack, 'OtherCluster', { cluster: other, serviceAccountName: 'reader' }),
      bind({ serviceAccountName: 'reader' }),
    ];
    expect(bindings.map(b => b.subject)).toEqual([
      'system:serviceaccount:default:reader',
      'system:serviceaccount:payments:reader',
      'system:serviceaccount:default:reader',
      'system:serviceaccount:default:reader',
    ]);
  });

  test('does not compare service accounts whose namespace or name is a token', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    const a = new IrsaBinding(stack, 'A', { cluster, serviceAccountName: Fn.importValue('name') });
    const b = new IrsaBinding(stack, 'B', { cluster, serviceAccountName: Fn.importValue('name') });
    expect(stack.resolve(a.subject)).toEqual(stack.resolve(b.subject));
  });
});

describe('trust policy size quota', () => {
  /** A binding with `extra` more IRSA statements added to its trust policy after construction, the first one padded. */
  function withExtraStatements(stack: Stack, cluster: any, extra: number, padding = 0, quota?: number): IrsaBinding {
    const binding = new IrsaBinding(stack, 'LedgerReader', { cluster, trustPolicySizeQuota: quota });
    const provider = binding.openIdConnectProvider!;
    for (let i = 0; i < extra; i++) {
      (binding.role as iam.Role).assumeRolePolicy!.addStatements(new iam.PolicyStatement({
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [new iam.OpenIdConnectPrincipal(provider)],
        conditions: {
          StringEquals: {
            [`${provider.openIdConnectProviderIssuer}:sub`]: `system:serviceaccount:team${i}:${i === 0 ? 'w'.repeat(padding) : ''}worker`,
            [`${provider.openIdConnectProviderIssuer}:aud`]: 'sts.amazonaws.com',
          },
        },
      }));
    }
    return binding;
  }

  /** The deployed trust policy (intrinsics evaluated as CloudFormation would) as IAM counts it. */
  function deployedSize(template: Template): number {
    return JSON.stringify(deployedBinding(template, 'LedgerReader').trustPolicy).replace(/\s+/g, '').length;
  }

  /** What the synth-time measurement says of the role's rendered document in the template. */
  function measured(template: Template, region?: string) {
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'LedgerReaderRole');
    const document = template.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument;
    return measureTrustPolicy(typeof document === 'string' || document['Fn::Join'] ? document : JSON.stringify(document), { region });
  }

  const clusters: Array<[string, (stack: Stack) => any]> = [['literal issuer', importedCluster], ['deploy-time issuer', newCluster]];

  test.each(clusters)('counts the deployed document exactly with a %s in a known region', (_, makeCluster) => {
    const stack = newStack();
    withExtraStatements(stack, makeCluster(stack), 2);
    const template = Template.fromStack(stack);

    const size = measured(template, 'us-east-1');
    expect(size.size).toBe(deployedSize(template));
    expect(size.uncounted).toBe(0);
  });

  test.each(clusters)('accepts a %s trust policy of exactly the quota and fails one character over', (_, makeCluster) => {
    const sizeWith = (padding: number) => {
      const stack = newStack();
      withExtraStatements(stack, makeCluster(stack), 3, padding);
      return { stack, template: () => Template.fromStack(stack) };
    };
    const unpadded = deployedSize(sizeWith(0).template());
    const padding = 2048 - unpadded;
    expect(padding).toBeGreaterThan(0);

    expect(deployedSize(sizeWith(padding).template())).toBe(2048);
    expect(() => sizeWith(padding + 1).template())
      .toThrow(/\[Stack\/LedgerReader\] invalid trust policy of Stack\/LedgerReader\/Role: it is 2049 characters without whitespace.*, over the quota of 2048 \(trustPolicySizeQuota\)/);
  });

  test('fails at synth when statements added after the binding exceed the quota, with the size, the quota and the fix', () => {
    const stack = newStack();
    withExtraStatements(stack, importedCluster(stack), 8);
    expect(() => Template.fromStack(stack)).toThrow(
      /invalid trust policy of Stack\/LedgerReader\/Role: it is (\d+) characters without whitespace, over the quota of 2048 \(trustPolicySizeQuota\), and IAM would reject it with LimitExceeded \(ACLSizePerRole\); trust fewer subjects per role, or raise the IAM quota "Role trust policy length" \(L-C07B4B0D, at most 4096\) and set trustPolicySizeQuota to it$/m);
  });

  test('accepts the same trust policy with a raised trustPolicySizeQuota', () => {
    const stack = newStack();
    withExtraStatements(stack, importedCluster(stack), 8, 0, 4096);
    const template = Template.fromStack(stack);
    const size = deployedSize(template);
    expect(size).toBeGreaterThan(2048);
    expect(size).toBeLessThanOrEqual(4096);
  });

  test('says that a deploy-time issuer is counted in the stack\'s region', () => {
    const stack = newStack();
    withExtraStatements(stack, newCluster(stack), 8);
    expect(() => Template.fromStack(stack)).toThrow(/counting the deploy-time issuer at its length in the stack's region us-east-1, over the quota/);
  });

  test('counts a deploy-time issuer at its longest when the stack has no region, and says so', () => {
    const stack = new Stack(new App(), 'Stack');
    withExtraStatements(stack, newCluster(stack), 6);
    let message = '';
    try {
      Template.fromStack(stack);
    } catch (error: any) {
      message = error.message;
    }
    const [, size, region] = message.match(/it is (\d+) characters without whitespace, counting the deploy-time issuer at its longest, in ([a-z0-9-]+) \(give the stack a region to count it exactly\)/) ?? [];
    expect(region).toBeDefined();

    // the worst case is the largest of the sizes in each region
    const agnostic = new Stack(new App(), 'Stack');
    withExtraStatements(agnostic, newCluster(agnostic), 6, 0, 4096);
    const template = Template.fromStack(agnostic);
    const perRegion = ['us-east-1', 'ap-southeast-3', 'cn-northwest-1', 'us-gov-west-1', region].map(r => measured(template, r).size);
    expect(Number(size)).toBe(Math.max(...perRegion));
    expect(Number(size)).toBe(measured(template).size);
  });

  test('counts a provider ARN imported with Fn::ImportValue at its deployed length', () => {
    const stack = newStack();
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Imported', Fn.importValue('prod-oidc-provider'));
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), openIdConnectProvider: provider });
    const template = Template.fromStack(stack);

    const json = template.toJSON();
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'LedgerReaderRole');
    const deployed = new CfnEvaluator(json, { imports: { 'prod-oidc-provider': PROVIDER_ARN } })
      .evaluateDocument(json.Resources[roleId].Properties.AssumeRolePolicyDocument);
    // the fixture's issuer id is 32 characters long, as EKS issuer ids are
    expect(ISSUER.split('/id/')[1]).toHaveLength(32);
    expect(measureTrustPolicy(json.Resources[roleId].Properties.AssumeRolePolicyDocument, {
      region: 'us-east-1',
      providerArns: [{ 'Fn::ImportValue': 'prod-oidc-provider' }],
    })).toEqual({ size: JSON.stringify(deployed).length, region: 'us-east-1', regionKnown: true, uncounted: 0 });
  });

  test('reports deploy-time values it cannot count', () => {
    const rendered = { 'Fn::Join': ['', ['{"Statement":[{"Sid":"', { 'Fn::ImportValue': 'sid' }, '"}]}']] } as const;
    expect(measureTrustPolicy(rendered as any, { region: 'us-east-1' })).toEqual({
      size: '{"Statement":[{"Sid":""}]}'.length, region: 'us-east-1', regionKnown: true, uncounted: 1,
    });
  });
});
