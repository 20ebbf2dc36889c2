import { CfnResource, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IrsaBinding } from '../src';
import { CfnEvaluator } from './support/cfn-eval';
import { ACCOUNT, importedCluster, irsaStatement, ISSUER, newCluster, newStack, PROVIDER_ARN } from './support/fixtures';
import { deployedBinding, logicalIdOf } from './support/template';
import { simulateAssume } from './support/trust-simulator';

const MANIFEST = 'Custom::AWSCDK-EKS-KubernetesResource';

describe('trust policy with a literal issuer', () => {
  test('trusts the provider for sts:AssumeRoleWithWebIdentity with sub and aud pinned by StringEquals', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), namespace: 'payments' });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [irsaStatement(PROVIDER_ARN, 'system:serviceaccount:payments:ledger-reader')] },
    });
  });

  test('has no condition operator other than StringEquals', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });

    const [statement] = deployedBinding(Template.fromStack(stack), 'LedgerReader').trustPolicy.Statement;
    expect(Object.keys(statement.Condition)).toEqual(['StringEquals']);
    expect(Object.keys(statement.Condition.StringEquals).sort()).toEqual([`${ISSUER}:aud`, `${ISSUER}:sub`]);
  });

  test('uses a custom audience', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), audience: 'ledger.example.com' });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Condition: { StringEquals: Match.objectLike({ [`${ISSUER}:aud`]: 'ledger.example.com' }) },
        })],
      },
    });
  });

  test('uses an explicitly imported provider instead of the cluster\'s', () => {
    const stack = newStack();
    const otherIssuer = 'oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Imported',
      `arn:aws:iam::${ACCOUNT}:oidc-provider/${otherIssuer}`);
    const binding = new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), openIdConnectProvider: provider });

    expect(binding.openIdConnectProvider).toBe(provider);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Federated: provider.openIdConnectProviderArn },
          Condition: { StringEquals: Match.objectLike({ [`${otherIssuer}:sub`]: 'system:serviceaccount:default:ledger-reader' }) },
        })],
      },
    });
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
  });
});

describe('trust policy with a deploy-time issuer', () => {
  test('renders the document as a JSON string so the issuer can be part of the condition keys, without CfnJson', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: newCluster(stack), namespace: 'payments' });
    const template = Template.fromStack(stack);

    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'LedgerReaderRole');
    expect(template.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument).toEqual({ 'Fn::Join': ['', expect.any(Array)] });
    template.resourceCountIs('Custom::AWSCDKCfnJson', 0);

    const { trustPolicy } = deployedBinding(template, 'LedgerReader');
    const providerArn = trustPolicy.Statement[0].Principal.Federated;
    const issuer = providerArn.split(':oidc-provider/')[1];
    expect(issuer).toMatch(/^oidc\.eks\.us-east-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    expect(trustPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [irsaStatement(providerArn, 'system:serviceaccount:payments:ledger-reader')],
    });
  });

  test('resolves an issuer taken from a provider ARN imported with Fn::ImportValue', () => {
    const stack = newStack();
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Imported', Fn.importValue('prod-oidc-provider'));
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), openIdConnectProvider: provider });

    const { trustPolicy } = deployedBinding(Template.fromStack(stack), 'LedgerReader', { imports: { 'prod-oidc-provider': PROVIDER_ARN } });
    expect(trustPolicy.Statement[0].Principal).toEqual({ Federated: PROVIDER_ARN });
    expect(trustPolicy.Statement[0].Condition).toEqual({
      StringEquals: {
        [`${ISSUER}:sub`]: 'system:serviceaccount:default:ledger-reader',
        [`${ISSUER}:aud`]: 'sts.amazonaws.com',
      },
    });
  });
});

describe('trust evaluated by an independent IAM simulator', () => {
  function decisions(template: Template, subject: string, audience: string, context?: { sub?: string; aud?: string }) {
    const { trustPolicy, roleArn } = deployedBinding(template, 'LedgerReader');
    const provider: string = trustPolicy.Statement[0].Principal.Federated;
    const issuer = provider.split(':oidc-provider/')[1];
    return simulateAssume(trustPolicy, roleArn, {
      provider,
      context: { [`${issuer}:sub`]: context?.sub ?? subject, [`${issuer}:aud`]: context?.aud ?? audience },
    });
  }

  const cases: Array<[string, (stack: Stack) => any]> = [
    ['literal issuer', importedCluster],
    ['deploy-time issuer', newCluster],
  ];
  describe.each(cases)('%s', (_, makeCluster) => {
    let template: Template;
    beforeAll(() => {
      const stack = newStack();
      new IrsaBinding(stack, 'LedgerReader', { cluster: makeCluster(stack), namespace: 'payments' });
      template = Template.fromStack(stack);
    });
    const sub = 'system:serviceaccount:payments:ledger-reader';
    const aud = 'sts.amazonaws.com';

    test('allows the bound service account with the sts audience', () => {
      expect(decisions(template, sub, aud)).toBe('Allowed');
    });
    test('denies another service account name in the same namespace', () => {
      expect(decisions(template, sub, aud, { sub: 'system:serviceaccount:payments:ledger-writer' })).toBe('ImplicitlyDenied');
    });
    test('denies the same name in another namespace', () => {
      expect(decisions(template, sub, aud, { sub: 'system:serviceaccount:default:ledger-reader' })).toBe('ImplicitlyDenied');
    });
    test('denies the bound service account with another audience', () => {
      expect(decisions(template, sub, aud, { aud: 'kubernetes.default.svc' })).toBe('ImplicitlyDenied');
    });
  });
});

describe('ServiceAccount manifest', () => {
  test('names the account, its namespace and the role ARN', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), namespace: 'payments' });

    const { serviceAccount, roleArn } = deployedBinding(Template.fromStack(stack), 'LedgerReader');
    expect(serviceAccount).toMatchObject({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'ledger-reader',
        namespace: 'payments',
        annotations: { 'eks.amazonaws.com/role-arn': roleArn },
      },
    });
    expect(roleArn).toMatch(/^arn:aws:iam::123456789012:role\/LedgerReaderRole/);
  });

  test('carries user labels and annotations next to the role annotation', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      labels: { 'app.kubernetes.io/name': 'ledger' },
      annotations: { 'eks.amazonaws.com/sts-regional-endpoints': 'true' },
    });

    const { serviceAccount } = deployedBinding(Template.fromStack(stack), 'LedgerReader');
    expect(serviceAccount.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'ledger' });
    expect(Object.keys(serviceAccount.metadata.annotations).sort())
      .toEqual(['eks.amazonaws.com/role-arn', 'eks.amazonaws.com/sts-regional-endpoints']);
  });

  test('is applied by a KubernetesManifest that does not overwrite by default', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });

    Template.fromStack(stack).hasResourceProperties(MANIFEST, { ClusterName: 'prod', Overwrite: false });
  });

  test('overwrites an existing ServiceAccount when overwriteServiceAccount is set', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), overwriteServiceAccount: true });

    Template.fromStack(stack).hasResourceProperties(MANIFEST, { Overwrite: true });
  });
});

describe('shared manifests', () => {
  function serviceAccountsByManifest(template: Template): Map<string, string[]> {
    const evaluator = new CfnEvaluator(template.toJSON());
    const byManifest = new Map<string, string[]>();
    for (const [id, resource] of Object.entries(template.findResources(MANIFEST))) {
      const objects: any[] = evaluator.evaluateDocument(resource.Properties.Manifest);
      byManifest.set(id, objects.map(o => `${o.metadata.namespace}/${o.metadata.name}`));
    }
    return byManifest;
  }

  test('put the ServiceAccounts of one cluster into at most 8 manifests, each account exactly once', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    for (let i = 0; i < 40; i++) new IrsaBinding(stack, `Workload${i}`, { cluster, namespace: 'apps' });
    const byManifest = serviceAccountsByManifest(Template.fromStack(stack));

    expect(byManifest.size).toBeLessThanOrEqual(8);
    const all = [...byManifest.values()].flat().sort();
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => `apps/workload${i}`).sort());
  });

  test('give every ServiceAccount of a manifest the manifest\'s prune label, so removed bindings are pruned', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    for (let i = 0; i < 20; i++) new IrsaBinding(stack, `Workload${i}`, { cluster, labels: { team: 'ledger' } });
    const template = Template.fromStack(stack);
    const evaluator = new CfnEvaluator(template.toJSON());

    for (const resource of Object.values(template.findResources(MANIFEST))) {
      const pruneLabel: string = resource.Properties.PruneLabel;
      expect(pruneLabel).toMatch(/^aws\.cdk\.eks\/prune-/);
      for (const object of evaluator.evaluateDocument(resource.Properties.Manifest)) {
        expect(object.metadata.labels).toEqual({ [pruneLabel]: '', team: 'ledger' });
      }
    }
  });

  test('keep a ServiceAccount in the same manifest when other bindings come and go', () => {
    const placement = (count: number) => {
      const stack = newStack();
      const cluster = importedCluster(stack);
      for (let i = 0; i < count; i++) new IrsaBinding(stack, `Workload${i}`, { cluster });
      const byAccount = new Map<string, string>();
      for (const [manifestId, accounts] of serviceAccountsByManifest(Template.fromStack(stack))) {
        for (const account of accounts) byAccount.set(account, manifestId);
      }
      return byAccount;
    };
    const before = placement(30);
    const after = placement(5);

    for (const [account, manifestId] of after) expect(before.get(account)).toBe(manifestId);
  });

  test('are the same for an explicit RemovalPolicy.DESTROY and the default', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    // the manifests' parent is the set of shared manifests for one combination of settings
    const first = new IrsaBinding(stack, 'Explicit', { cluster, serviceAccountName: 'workload0', removalPolicy: RemovalPolicy.DESTROY });
    const second = new IrsaBinding(stack, 'Default', { cluster, serviceAccountName: 'workload0', namespace: 'other' });

    expect(first.manifest.node.scope).toBe(second.manifest.node.scope);
  });

  test('are separate per overwrite setting', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    new IrsaBinding(stack, 'Adopted', { cluster, overwriteServiceAccount: true });
    new IrsaBinding(stack, 'Fresh', { cluster });
    const template = Template.fromStack(stack);

    const adopted = deployedBinding(template, 'Adopted');
    const fresh = deployedBinding(template, 'Fresh');
    expect(template.toJSON().Resources[adopted.manifestId].Properties.Overwrite).toBe(true);
    expect(template.toJSON().Resources[fresh.manifestId].Properties.Overwrite).toBe(false);
  });

  test('live in the binding\'s stack, not the cluster\'s', () => {
    const stack = newStack();
    const binding = new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });

    expect(Stack.of(binding.manifest)).toBe(stack);
    expect(binding.manifest.node.path).toMatch(/^Stack\/IrsaServiceAccounts/);
  });

  test('an isolated manifest belongs to the binding alone', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    const isolated = new IrsaBinding(stack, 'LedgerReader', { cluster, isolatedManifest: true });
    new IrsaBinding(stack, 'LedgerWriter', { cluster, isolatedManifest: true });
    const template = Template.fromStack(stack);

    expect(isolated.manifest.node.scope).toBe(isolated);
    template.resourceCountIs(MANIFEST, 2);
    expect(deployedBinding(template, 'LedgerReader').manifestId).toMatch(/^LedgerReaderServiceAccount/);
  });

  test('a dependency on the binding waits for its ServiceAccount', () => {
    const stack = newStack();
    const binding = new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });
    const workload = new CfnResource(stack, 'Workload', { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: 'x' } });
    workload.node.addDependency(binding);
    const template = Template.fromStack(stack);

    const { roleId, manifestId } = deployedBinding(template, 'LedgerReader');
    expect(template.toJSON().Resources.Workload.DependsOn.sort()).toEqual([manifestId, roleId].sort());
  });
});

describe('names and defaults', () => {
  test('defaults to the default namespace and a name derived from the construct id', () => {
    const stack = newStack();
    const binding = new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });

    expect(binding.serviceAccountNamespace).toBe('default');
    expect(binding.serviceAccountName).toBe('ledger-reader');
    expect(binding.subject).toBe('system:serviceaccount:default:ledger-reader');
    expect(binding.audience).toBe('sts.amazonaws.com');
  });

  test('uses an explicit service account name', () => {
    const stack = newStack();
    const binding = new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), serviceAccountName: 'ledger' });

    expect(binding.serviceAccountName).toBe('ledger');
    expect(binding.subject).toBe('system:serviceaccount:default:ledger');
  });
});

describe('role', () => {
  test('describes the service account it is for by default', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), namespace: 'payments' });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Description: 'IRSA role for payments/ledger-reader',
      RoleName: Match.absent(),
      MaxSessionDuration: Match.absent(),
      PermissionsBoundary: Match.absent(),
    });
  });

  test('takes name, description, managed and inline policies, boundary and session duration', () => {
    const stack = newStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'workload-boundary');
    new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      roleName: 'ledger-reader',
      roleDescription: 'reads the ledger',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess')],
      inlinePolicies: {
        sqs: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['sqs:ReceiveMessage'], resources: ['*'] })] }),
      },
      permissionsBoundary: boundary,
      maxSessionDuration: Duration.hours(4),
    });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'ledger-reader',
      Description: 'reads the ledger',
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonS3ReadOnlyAccess']] }],
      Policies: [{ PolicyName: 'sqs', PolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Action: 'sqs:ReceiveMessage' })] }) }],
      PermissionsBoundary: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:policy/workload-boundary`]] },
      MaxSessionDuration: 14400,
    });
  });

  test('is exposed with its ARN', () => {
    const stack = newStack();
    const binding = new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });

    expect(stack.resolve(binding.roleArn)).toEqual(stack.resolve(binding.role.roleArn));
    expect(binding.grantPrincipal).toBe(binding.role);
  });

  test('retains role and ServiceAccount with RemovalPolicy.RETAIN', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), removalPolicy: RemovalPolicy.RETAIN });
    const template = Template.fromStack(stack);

    template.hasResource('AWS::IAM::Role', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource(MANIFEST, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('is deleted with the stack by default', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });
    const template = Template.fromStack(stack);

    template.hasResource('AWS::IAM::Role', { DeletionPolicy: Match.absent() });
    template.hasResource(MANIFEST, { DeletionPolicy: 'Delete' });
  });
});

describe('grants', () => {
  test('bucket.grantRead(binding) puts read access into the role\'s inline policy', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Ledger');
    const binding = new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });
    bucket.grantRead(binding);
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [{
        PolicyName: 'IrsaBindingPermissions',
        PolicyDocument: {
          Statement: [Match.objectLike({
            Action: Match.arrayWith(['s3:GetObject*', 's3:List*']),
            Resource: Match.arrayWith([{ 'Fn::GetAtt': [logicalIdOf(template, 'AWS::S3::Bucket', 'Ledger'), 'Arn'] }]),
          })],
        },
      }],
    });
  });

  test('addToPrincipalPolicy adds the statement to the role next to its declared inline policies', () => {
    const stack = newStack();
    const binding = new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      inlinePolicies: { declared: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['sqs:ReceiveMessage'], resources: ['*'] })] }) },
    });
    const result = binding.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));

    expect(result.statementAdded).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: [
        { PolicyName: 'declared', PolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Action: 'sqs:ReceiveMessage' })] }) },
        { PolicyName: 'IrsaBindingPermissions', PolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Action: 'sqs:SendMessage' })] }) },
      ],
    });
  });

  test('a role without grants has no inline policy', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { Policies: Match.absent() });
  });

  test('puts grants into a separate AWS::IAM::Policy when inlinePermissions is false', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Ledger');
    const binding = new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), inlinePermissions: false });
    bucket.grantRead(binding);
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::IAM::Role', { Policies: Match.absent() });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdOf(template, 'AWS::IAM::Role', 'LedgerReaderRole') }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) })] },
    });
  });

  test('a key whose policy names the role deploys with inlinePermissions false, while inline permissions form a cycle', () => {
    const build = (inlinePermissions: boolean) => {
      const stack = newStack();
      const binding = new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), inlinePermissions });
      const key = new kms.Key(stack, 'Key');
      key.addToResourcePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], principals: [binding.role], resources: ['*'] }));
      key.grantDecrypt(binding);
      return Template.fromStack(stack).toJSON();
    };

    // aws-cdk-lib warns at synth, and Template.fromStack refuses templates with a dependency cycle
    const warnings = jest.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => build(true)).toThrow(/dependency cycle: LedgerReaderRole\w+ -> Key\w+ -> LedgerReaderRole/);
    expect(warnings.mock.calls.flat().join('\n')).toMatch(/Circular dependency with \[LedgerReaderRole/);
    warnings.mockClear();
    expect(build(false).Resources).toBeDefined();
    expect(warnings).not.toHaveBeenCalled();
    warnings.mockRestore();
  });
});

describe('OIDC provider of a new cluster', () => {
  test('is created once for two bindings', () => {
    const stack = newStack();
    const cluster = newCluster(stack);
    const a = new IrsaBinding(stack, 'LedgerReader', { cluster });
    const b = new IrsaBinding(stack, 'LedgerWriter', { cluster });

    expect(a.openIdConnectProvider).toBe(cluster.openIdConnectProvider);
    expect(b.openIdConnectProvider).toBe(cluster.openIdConnectProvider);
    Template.fromStack(stack).resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 1);
  });

  test('is a native AWS::IAM::OIDCProvider under the useNativeOidcProvider feature flag', () => {
    const stack = newStack({ '@aws-cdk/aws-eks:useNativeOidcProvider': true });
    const cluster = newCluster(stack);
    new IrsaBinding(stack, 'LedgerReader', { cluster });
    new IrsaBinding(stack, 'LedgerWriter', { cluster });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
  });

  test('can be trusted by a binding in another stack than the cluster', () => {
    const clusterStack = newStack();
    const cluster = newCluster(clusterStack);
    const workloadStack = new Stack(clusterStack.node.root, 'Workload', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new IrsaBinding(workloadStack, 'LedgerReader', { cluster, namespace: 'payments' });
    const template = Template.fromStack(workloadStack);

    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs(MANIFEST, 1);
    expect(workloadStack.dependencies).toContain(clusterStack);
    expect(clusterStack.dependencies).not.toContain(workloadStack);
  });
});

describe('validation', () => {
  test('fails when the namespace is not a DNS-1123 label', () => {
    const stack = newStack();
    expect(() => new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), namespace: 'Payments' }))
      .toThrow(/invalid namespace "Payments": a namespace must be a DNS-1123 label.*; try "payments"$/);
  });

  test('fails when the service account name is not a DNS-1123 subdomain', () => {
    const stack = newStack();
    expect(() => new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), serviceAccountName: 'ledger_reader' }))
      .toThrow(/invalid serviceAccountName "ledger_reader": .*DNS-1123 subdomain.*; try "ledger-reader"$/);
  });

  test('fails when the audience is empty', () => {
    const stack = newStack();
    expect(() => new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), audience: '' }))
      .toThrow(/invalid audience "": an audience/);
  });

  test('fails when the annotations would replace the role annotation', () => {
    const stack = newStack();
    expect(() => new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/other' },
    })).toThrow(/invalid annotations: "eks\.amazonaws\.com\/role-arn" is set by the binding/);
  });

  test('lets tokens through', () => {
    const stack = newStack();
    const binding = new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      namespace: Fn.importValue('namespace'),
      serviceAccountName: Fn.importValue('name'),
      audience: Fn.importValue('audience'),
    });
    expect(stack.resolve(binding.subject)).toEqual({
      'Fn::Join': ['', ['system:serviceaccount:', { 'Fn::ImportValue': 'namespace' }, ':', { 'Fn::ImportValue': 'name' }]],
    });
  });
});
