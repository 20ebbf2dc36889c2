import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IrsaBinding } from '../src';
import { ACCOUNT, importedCluster, ISSUER, newCluster, newStack, PROVIDER_ARN } from './support/fixtures';
import { deployedBinding, logicalIdOf } from './support/template';
import { simulateAssume } from './support/trust-simulator';

const MANIFEST = 'Custom::AWSCDK-EKS-KubernetesResource';

describe('trust policy with a literal issuer', () => {
  test('trusts the provider for sts:AssumeRoleWithWebIdentity with sub and aud pinned by StringEquals', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), namespace: 'payments' });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: PROVIDER_ARN },
          Condition: {
            StringEquals: {
              [`${ISSUER}:sub`]: 'system:serviceaccount:payments:ledger-reader',
              [`${ISSUER}:aud`]: 'sts.amazonaws.com',
            },
          },
        }],
      },
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
      Statement: [{
        Action: 'sts:AssumeRoleWithWebIdentity',
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: 'system:serviceaccount:payments:ledger-reader',
            [`${issuer}:aud`]: 'sts.amazonaws.com',
          },
        },
      }],
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

    const { serviceAccounts, roleArn } = deployedBinding(Template.fromStack(stack), 'LedgerReader');
    expect(serviceAccounts).toHaveLength(1);
    expect(serviceAccounts[0]).toMatchObject({
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

    const [serviceAccount] = deployedBinding(Template.fromStack(stack), 'LedgerReader').serviceAccounts;
    expect(serviceAccount.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'ledger' });
    expect(Object.keys(serviceAccount.metadata.annotations).sort())
      .toEqual(['eks.amazonaws.com/role-arn', 'eks.amazonaws.com/sts-regional-endpoints']);
  });

  test('is applied to the cluster by a KubernetesManifest that does not overwrite by default', () => {
    const stack = newStack();
    const binding = new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });

    expect(binding.manifest.node.scope).toBe(binding);
    Template.fromStack(stack).hasResourceProperties(MANIFEST, { ClusterName: 'prod', Overwrite: false });
  });

  test('overwrites an existing ServiceAccount when overwriteServiceAccount is set', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), overwriteServiceAccount: true });

    Template.fromStack(stack).hasResourceProperties(MANIFEST, { Overwrite: true });
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
  test('bucket.grantRead(binding) gives the role read access', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Ledger');
    const binding = new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });
    bucket.grantRead(binding);
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdOf(template, 'AWS::IAM::Role', 'LedgerReaderRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: Match.arrayWith(['s3:GetObject*', 's3:List*']),
          Resource: Match.arrayWith([{ 'Fn::GetAtt': [logicalIdOf(template, 'AWS::S3::Bucket', 'Ledger'), 'Arn'] }]),
        })]),
      },
    });
  });

  test('addToPrincipalPolicy adds the statement to the role', () => {
    const stack = newStack();
    const binding = new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });
    const result = binding.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));

    expect(result.statementAdded).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'sqs:SendMessage', Resource: '*' })] },
    });
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
