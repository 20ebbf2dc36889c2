import { KubectlV33Layer } from '@aws-cdk/lambda-layer-kubectl-v33';
import { Duration, Fn } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IdentityType, IrsaBinding } from '../src';
import { CfnEvaluator } from './support/cfn-eval';
import { ACCOUNT, importedCluster, irsaStatement, ISSUER, newCluster, newStack, PROVIDER_ARN } from './support/fixtures';
import { deployedBinding } from './support/template';
import { simulateAssume } from './support/trust-simulator';

const MANIFEST = 'Custom::AWSCDK-EKS-KubernetesResource';
const GREEN_ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/GREEN0000000000000000000000000000';
const GREEN_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GREEN_ISSUER}`;

/** Asks the simulator whether a token with these claims, vouched for by `provider`, may assume the role. */
function decide(trustPolicy: any, roleArn: string, provider: string, sub: string | undefined, aud = 'sts.amazonaws.com') {
  const issuer = provider.split(':oidc-provider/')[1];
  const context: Record<string, string> = { [`${issuer}:aud`]: aud };
  if (sub !== undefined) context[`${issuer}:sub`] = sub;
  return simulateAssume(trustPolicy, roleArn, { provider, context });
}

function allServiceAccounts(template: Template): any[] {
  const evaluator = new CfnEvaluator(template.toJSON());
  return Object.values(template.findResources(MANIFEST))
    .flatMap(resource => evaluator.evaluateDocument(resource.Properties.Manifest) as any[])
    .filter(object => object.kind === 'ServiceAccount');
}

describe('several subjects per role', () => {
  let template: Template;
  beforeAll(() => {
    const stack = newStack();
    const green = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Green', GREEN_PROVIDER_ARN);
    new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      namespace: 'payments',
      additionalServiceAccounts: [
        { namespace: 'audit', name: 'ledger-auditor' },
        { namespace: 'payments', name: 'ledger-reader', openIdConnectProvider: green },
      ],
    });
    template = Template.fromStack(stack);
  });

  test('trusts the exact subjects of each provider with StringEquals on sub and aud', () => {
    const { trustPolicy } = deployedBinding(template, 'LedgerReader', { serviceAccount: 'payments/ledger-reader' });
    expect(trustPolicy.Statement).toEqual([
      irsaStatement(PROVIDER_ARN, ['system:serviceaccount:payments:ledger-reader', 'system:serviceaccount:audit:ledger-auditor']),
      irsaStatement(GREEN_PROVIDER_ARN, 'system:serviceaccount:payments:ledger-reader'),
    ]);
  });

  test('allows each subject through its own provider only', () => {
    const { trustPolicy, roleArn } = deployedBinding(template, 'LedgerReader', { serviceAccount: 'payments/ledger-reader' });
    expect(decide(trustPolicy, roleArn, PROVIDER_ARN, 'system:serviceaccount:payments:ledger-reader')).toBe('Allowed');
    expect(decide(trustPolicy, roleArn, PROVIDER_ARN, 'system:serviceaccount:audit:ledger-auditor')).toBe('Allowed');
    expect(decide(trustPolicy, roleArn, GREEN_PROVIDER_ARN, 'system:serviceaccount:payments:ledger-reader')).toBe('Allowed');

    expect(decide(trustPolicy, roleArn, GREEN_PROVIDER_ARN, 'system:serviceaccount:audit:ledger-auditor')).toBe('ImplicitlyDenied');
    expect(decide(trustPolicy, roleArn, PROVIDER_ARN, 'system:serviceaccount:audit:ledger-reader')).toBe('ImplicitlyDenied');
    expect(decide(trustPolicy, roleArn, PROVIDER_ARN, 'system:serviceaccount:audit:ledger-auditor', 'kubernetes.default.svc')).toBe('ImplicitlyDenied');
  });

  test('creates the ServiceAccounts of the binding\'s cluster, all annotated with the role', () => {
    const { roleArn } = deployedBinding(template, 'LedgerReader', { serviceAccount: 'audit/ledger-auditor' });
    const accounts = allServiceAccounts(template);

    expect(accounts.map(a => `${a.metadata.namespace}/${a.metadata.name}`).sort()).toEqual(['audit/ledger-auditor', 'payments/ledger-reader']);
    for (const account of accounts) expect(account.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(roleArn);
  });

  test('fails at synth when the subjects outgrow the trust policy quota, saying how many fit', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      additionalServiceAccounts: Array.from({ length: 60 }, (_, i) => ({ namespace: 'tenants', name: `tenant-${i}` })),
    });

    const error = (() => { try { Template.fromStack(stack); return ''; } catch (e: any) { return String(e.message); } })();
    expect(error).toMatch(/invalid trust policy of Stack\/LedgerReader\/Role: it is \d+ characters without whitespace.*over the quota of 2048/);
    const [, fit, total] = /about (\d+) of its (\d+) trusted subjects fit/.exec(error)!.map(Number);
    expect(total).toBe(61);
    // each subject is about 40 characters: the document has room for roughly 40 of them
    expect(fit).toBeGreaterThan(30);
    expect(fit).toBeLessThan(50);

    const fitting = newStack();
    new IrsaBinding(fitting, 'LedgerReader', {
      cluster: importedCluster(fitting),
      additionalServiceAccounts: Array.from({ length: fit - 1 }, (_, i) => ({ namespace: 'tenants', name: `tenant-${i}` })),
    });
    expect(() => Template.fromStack(fitting)).not.toThrow();
  });

  test('fails when an additional service account name is invalid', () => {
    const stack = newStack();
    expect(() => new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      additionalServiceAccounts: [{ namespace: 'audit', name: 'Ledger Auditor' }],
    })).toThrow(/invalid additionalServiceAccounts\[0\]\.name "Ledger Auditor"/);
  });
});

describe('namespace-wide trust', () => {
  let template: Template;
  beforeAll(() => {
    const stack = newStack();
    new IrsaBinding(stack, 'BatchJobs', {
      cluster: newCluster(stack),
      namespace: 'batch',
      trustAllServiceAccountsInNamespaces: ['batch'],
    });
    template = Template.fromStack(stack);
  });

  test('matches sub with StringLike in its own statement, with aud still pinned by StringEquals', () => {
    const { trustPolicy } = deployedBinding(template, 'BatchJobs');
    const provider = trustPolicy.Statement[0].Principal.Federated;
    const issuer = provider.split(':oidc-provider/')[1];

    expect(trustPolicy.Statement[1]).toEqual({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: provider },
      Condition: {
        StringLike: { [`${issuer}:sub`]: 'system:serviceaccount:batch:*' },
        StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com' },
      },
    });
  });

  test('allows any service account of the namespace and nothing outside it', () => {
    const { trustPolicy, roleArn } = deployedBinding(template, 'BatchJobs');
    const provider = trustPolicy.Statement[0].Principal.Federated;

    expect(decide(trustPolicy, roleArn, provider, 'system:serviceaccount:batch:nightly-export')).toBe('Allowed');
    expect(decide(trustPolicy, roleArn, provider, 'system:serviceaccount:batch-2:nightly-export')).toBe('ImplicitlyDenied');
    expect(decide(trustPolicy, roleArn, provider, 'system:serviceaccount:default:batch')).toBe('ImplicitlyDenied');
    expect(decide(trustPolicy, roleArn, provider, 'system:serviceaccounts:batch')).toBe('ImplicitlyDenied');
    expect(decide(trustPolicy, roleArn, provider, 'system:serviceaccount:batch:nightly-export', 'sts.amazonaws.com.cn')).toBe('ImplicitlyDenied');
  });

  test('fails when the namespace is a wildcard', () => {
    const stack = newStack();
    expect(() => new IrsaBinding(stack, 'BatchJobs', { cluster: importedCluster(stack), trustAllServiceAccountsInNamespaces: ['*'] }))
      .toThrow(/invalid trustAllServiceAccountsInNamespaces\[0\] "\*": a namespace must be a DNS-1123 label/);
  });
});

describe('EKS Pod Identity', () => {
  test('trusts pods.eks.amazonaws.com for AssumeRole and TagSession and associates the ServiceAccount', () => {
    const stack = newStack();
    const binding = new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      namespace: 'payments',
      identityType: IdentityType.POD_IDENTITY,
    });
    const template = Template.fromStack(stack);

    expect(binding.openIdConnectProvider).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
        }],
      },
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'prod',
      Namespace: 'payments',
      ServiceAccount: 'ledger-reader',
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerReaderRole'), 'Arn'] },
    });
    const [account] = allServiceAccounts(template);
    expect(account.metadata.annotations).toBeUndefined();

    const { trustPolicy, roleArn } = deployedBinding(template, 'LedgerReader', { serviceAccount: 'payments/ledger-reader', roleArnAnnotated: false });
    const service = (action: string, principal = 'pods.eks.amazonaws.com') =>
      simulateAssume(trustPolicy, roleArn, { provider: principal, context: {}, action });
    expect(service('sts:AssumeRole')).toBe('Allowed');
    expect(service('sts:TagSession')).toBe('Allowed');
    expect(service('sts:AssumeRole', 'ec2.amazonaws.com')).toBe('ImplicitlyDenied');
    expect(service('sts:AssumeRoleWithWebIdentity', PROVIDER_ARN)).toBe('ImplicitlyDenied');
  });

  test('IRSA_AND_POD_IDENTITY trusts both on one role, so a workload can move without a gap', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), identityType: IdentityType.IRSA_AND_POD_IDENTITY });
    const template = Template.fromStack(stack);

    const { trustPolicy, roleArn, serviceAccount } = deployedBinding(template, 'LedgerReader');
    expect(trustPolicy.Statement).toHaveLength(2);
    expect(trustPolicy.Statement[1]).toEqual({
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
    });
    expect(decide(trustPolicy, roleArn, PROVIDER_ARN, 'system:serviceaccount:default:ledger-reader')).toBe('Allowed');
    expect(decide(trustPolicy, roleArn, PROVIDER_ARN, 'system:serviceaccount:default:other')).toBe('ImplicitlyDenied');
    expect(serviceAccount.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(roleArn);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
  });

  test('installs the Pod Identity Agent add-on on a new cluster', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: newCluster(stack), identityType: IdentityType.POD_IDENTITY });

    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent' });
  });

  test('fails when Pod Identity is asked of a Fargate-only cluster', () => {
    const stack = newStack();
    const cluster = new eks.FargateCluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_33,
      kubectlLayer: new KubectlV33Layer(stack, 'KubectlLayer'),
    });
    expect(() => new IrsaBinding(stack, 'LedgerReader', { cluster, identityType: IdentityType.POD_IDENTITY }))
      .toThrow(/invalid identityType "POD_IDENTITY": EKS Pod Identity does not work on Fargate/);
  });

  test('fails when webhook options are given for Pod Identity alone', () => {
    const stack = newStack();
    expect(() => new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      identityType: IdentityType.POD_IDENTITY,
      stsRegionalEndpoints: true,
    })).toThrow(/invalid "eks\.amazonaws\.com\/sts-regional-endpoints" with identityType "POD_IDENTITY"/);
  });
});

describe('pod-identity-webhook options', () => {
  test('sets audience, regional endpoints and token expiration annotations', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      audience: 'ledger.example.com',
      stsRegionalEndpoints: true,
      tokenExpiration: Duration.hours(1),
    });

    const { serviceAccount, trustPolicy } = deployedBinding(Template.fromStack(stack), 'LedgerReader');
    expect(serviceAccount.metadata.annotations).toMatchObject({
      'eks.amazonaws.com/audience': 'ledger.example.com',
      'eks.amazonaws.com/sts-regional-endpoints': 'true',
      'eks.amazonaws.com/token-expiration': '3600',
    });
    expect(trustPolicy.Statement[0].Condition.StringEquals[`${ISSUER}:aud`]).toBe('ledger.example.com');
  });

  test('leaves the webhook defaults alone by default', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack) });

    const { serviceAccount } = deployedBinding(Template.fromStack(stack), 'LedgerReader');
    expect(Object.keys(serviceAccount.metadata.annotations)).toEqual(['eks.amazonaws.com/role-arn']);
    expect(serviceAccount.automountServiceAccountToken).toBeUndefined();
    expect(serviceAccount.imagePullSecrets).toBeUndefined();
  });

  test('sets automountServiceAccountToken and imagePullSecrets', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      automountServiceAccountToken: false,
      imagePullSecrets: ['registry-credentials'],
    });

    const { serviceAccount } = deployedBinding(Template.fromStack(stack), 'LedgerReader');
    expect(serviceAccount.automountServiceAccountToken).toBe(false);
    expect(serviceAccount.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
  });

  test('fails when the token expires in less than 10 minutes', () => {
    const stack = newStack();
    expect(() => new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), tokenExpiration: Duration.minutes(5) }))
      .toThrow(/invalid tokenExpiration 300 seconds: .* at least 600/);
  });

  test('fails when the audience annotation is set by hand', () => {
    const stack = newStack();
    expect(() => new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      annotations: { 'eks.amazonaws.com/audience': 'other' },
    })).toThrow(/invalid annotations: "eks\.amazonaws\.com\/audience" is set by the binding from the audience prop/);
  });

  test('fails when an annotation contradicts a typed webhook prop', () => {
    const stack = newStack();
    expect(() => new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack),
      stsRegionalEndpoints: true,
      annotations: { 'eks.amazonaws.com/sts-regional-endpoints': 'false' },
    })).toThrow(/invalid annotations: "eks\.amazonaws\.com\/sts-regional-endpoints" is set by the binding from the stsRegionalEndpoints prop/);
  });
});

describe('namespace creation', () => {
  test('applies the namespace in a retained, unpruned manifest that the ServiceAccount waits for', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    new IrsaBinding(stack, 'LedgerReader', { cluster, namespace: 'payments', createNamespace: true });
    new IrsaBinding(stack, 'LedgerWriter', { cluster, namespace: 'payments', createNamespace: true });
    const template = Template.fromStack(stack);
    const evaluator = new CfnEvaluator(template.toJSON());

    const namespaceManifests = Object.entries(template.findResources(MANIFEST))
      .filter(([, r]) => (evaluator.evaluateDocument(r.Properties.Manifest) as any[]).some(o => o.kind === 'Namespace'));
    expect(namespaceManifests).toHaveLength(1);
    const [namespaceId, namespaceManifest] = namespaceManifests[0];
    expect(evaluator.evaluateDocument(namespaceManifest.Properties.Manifest))
      .toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } }]);
    expect(namespaceManifest).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(namespaceManifest.Properties.PruneLabel).toBeUndefined();

    for (const id of ['LedgerReader', 'LedgerWriter']) {
      const { manifestId } = deployedBinding(template, id);
      expect(template.toJSON().Resources[manifestId].DependsOn).toContain(namespaceId);
    }
  });

  test('does not create the namespace by default', () => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), namespace: 'payments' });

    Template.fromStack(stack).resourceCountIs(MANIFEST, 1);
  });

  test.each(['default', 'kube-system'])('fails when asked to create the built-in namespace %s', namespace => {
    const stack = newStack();
    expect(() => new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), namespace, createNamespace: true }))
      .toThrow(new RegExp(`invalid createNamespace with namespace "${namespace}": .* exist in every cluster`));
  });
});

describe('cross-account provider', () => {
  test('trusts a provider registered in the role\'s account for another account\'s cluster', () => {
    const stack = newStack();
    const roleAccountIssuer = 'oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'ClusterProvider',
      Fn.sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/' + roleAccountIssuer));
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), openIdConnectProvider: provider, namespace: 'payments' });

    const { trustPolicy, roleArn } = deployedBinding(Template.fromStack(stack), 'LedgerReader');
    const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${roleAccountIssuer}`;
    expect(trustPolicy.Statement[0].Principal).toEqual({ Federated: providerArn });
    expect(decide(trustPolicy, roleArn, providerArn, 'system:serviceaccount:payments:ledger-reader')).toBe('Allowed');
    expect(decide(trustPolicy, roleArn, `arn:aws:iam::999999999999:oidc-provider/${roleAccountIssuer}`, 'system:serviceaccount:payments:ledger-reader'))
      .toBe('ImplicitlyDenied');
  });
});
