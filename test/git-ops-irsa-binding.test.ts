import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { parseAllDocuments } from 'yaml';
import { GitOpsIrsaBinding } from '../src';
import { CfnEvaluator } from './support/cfn-eval';
import { ACCOUNT, newStack, PROVIDER_ARN } from './support/fixtures';
import { simulateAssume } from './support/trust-simulator';

const ISSUER_URL = 'https://oidc.eks.us-east-1.amazonaws.com/id/GITOPS00000000000000000000000000';
const ISSUER = ISSUER_URL.replace('https://', '');

describe('GitOpsIrsaBinding', () => {
  let app: App;
  let stack: Stack;
  let binding: GitOpsIrsaBinding;
  let template: Template;
  beforeAll(() => {
    stack = newStack();
    app = stack.node.root as App;
    binding = new GitOpsIrsaBinding(stack, 'LedgerReader', { issuerUrl: ISSUER_URL, namespace: 'payments', createNamespace: true });
    new GitOpsIrsaBinding(stack, 'LedgerWriter', { issuerUrl: ISSUER_URL, namespace: 'payments', audience: 'ledger.example.com' });
    new s3.Bucket(stack, 'Ledger').grantRead(binding);
    template = Template.fromStack(stack);
  });

  test('creates one native OIDC provider per issuer, listing every audience', () => {
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: ISSUER_URL, ClientIdList: ['sts.amazonaws.com', 'ledger.example.com'] });
    template.resourceCountIs('Custom::AWSCDK-EKS-KubernetesResource', 0);
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
  });

  test('gives the role a deterministic name and annotates the ServiceAccount with its literal ARN', () => {
    const [namespace, serviceAccount] = parseAllDocuments(binding.manifestYaml).map(d => d.toJS());
    expect(namespace).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } });
    expect(binding.roleArn).toMatch(new RegExp(`^arn:aws:iam::${ACCOUNT}:role/irsa-payments-ledger-reader-[0-9a-f]{8}$`));
    expect(serviceAccount).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'ledger-reader', namespace: 'payments', annotations: { 'eks.amazonaws.com/role-arn': binding.roleArn } },
    });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: binding.roleArn.split('/')[1] });
  });

  test('trusts only the ServiceAccount through the new provider', () => {
    const providerId = Object.keys(template.findResources('AWS::IAM::OIDCProvider'))[0];
    const roleId = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { RoleName: binding.roleArn.split('/')[1] } }))[0];
    const trust = template.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument;
    expect(JSON.stringify(trust)).toContain(`{"Ref":"${providerId}"}`);

    const resolved = new CfnEvaluator(template.toJSON()).evaluateDocument(trust);
    expect(resolved.Statement).toHaveLength(1);
    expect(resolved.Statement[0].Principal).toEqual({ Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}` });
    const ask = (sub: string) => simulateAssume(resolved, binding.roleArn, {
      provider: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`,
      context: { [`${ISSUER}:sub`]: sub, [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
    });
    expect(ask('system:serviceaccount:payments:ledger-reader')).toBe('Allowed');
    expect(ask('system:serviceaccount:payments:ledger-writer')).toBe('ImplicitlyDenied');
  });

  test('writes the YAML into the cloud assembly', () => {
    const assembly = app.synth();
    const file = path.join(assembly.directory, binding.manifestFile);
    expect(binding.manifestFile).toBe(path.join('cdk-irsa', 'Stack', 'payments.ledger-reader.yaml'));
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf-8')).toBe(binding.manifestYaml);
  });

  test('uses an existing provider and an explicit role name', () => {
    const other = newStack();
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(other, 'Provider', PROVIDER_ARN);
    const b = new GitOpsIrsaBinding(other, 'LedgerReader', { openIdConnectProvider: provider, roleName: 'ledger-reader' });

    expect(b.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/ledger-reader`);
    Template.fromStack(other).resourceCountIs('AWS::IAM::OIDCProvider', 0);
    Template.fromStack(other).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: PROVIDER_ARN } })] },
    });
  });

  test('fails when the stack has no explicit environment', () => {
    const envless = new Stack(new App(), 'Envless');
    expect(() => new GitOpsIrsaBinding(envless, 'LedgerReader', { issuerUrl: ISSUER_URL }))
      .toThrow(/invalid stack environment: .* needs an explicit env with account and region/);
  });

  test('fails when neither issuerUrl nor openIdConnectProvider is given', () => {
    const s = newStack();
    expect(() => new GitOpsIrsaBinding(s, 'LedgerReader', {})).toThrow(/needs issuerUrl or openIdConnectProvider/);
  });

  test.each(['http://oidc.example.com', 'https://oidc.example.com:8443/id/x', 'https://oidc.example.com/id/x?a=b', 'https://oidc.example.com/'])(
    'fails when the issuer URL is %s', issuerUrl => {
      const s = newStack();
      expect(() => new GitOpsIrsaBinding(s, 'LedgerReader', { issuerUrl })).toThrow(/invalid issuerUrl .*: an OIDC issuer URL starts with https:\/\//);
    });

  test('fails when asked to overwrite, which only kubectl could do', () => {
    const s = newStack();
    expect(() => new GitOpsIrsaBinding(s, 'LedgerReader', { issuerUrl: ISSUER_URL, overwriteServiceAccount: true }))
      .toThrow(/invalid isolatedManifest or overwriteServiceAccount/);
  });
});

describe('GitOpsIrsaBinding role ARN partition', () => {
  test.each([
    ['us-east-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('is the partition of %s', (region, partition) => {
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region } });
    const binding = new GitOpsIrsaBinding(stack, 'LedgerReader', { issuerUrl: ISSUER_URL, roleName: 'ledger-reader' });
    expect(binding.roleArn).toBe(`arn:${partition}:iam::${ACCOUNT}:role/ledger-reader`);
  });
});
