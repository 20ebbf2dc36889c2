import { KubectlV33Layer } from '@aws-cdk/lambda-layer-kubectl-v33';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { eksv2 as irsa, IdentityType } from '../../src';
import { ACCOUNT, irsaStatement, ISSUER, newStack, PROVIDER_ARN } from '../support/fixtures';
import { deployedBinding } from '../support/template';
import { simulateAssume } from '../support/trust-simulator';

function importedV2Cluster(stack: ReturnType<typeof newStack>): eksv2.ICluster {
  return eksv2.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'prod',
    openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Provider', PROVIDER_ARN),
    kubectlProvider: eksv2.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
      serviceToken: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:kubectl-provider`,
      role: iam.Role.fromRoleArn(stack, 'KubectlRole', `arn:aws:iam::${ACCOUNT}:role/kubectl`),
    }),
  });
}

describe('eksv2.IrsaBinding on an imported aws-eks-v2 cluster', () => {
  let template: Template;
  let binding: irsa.IrsaBinding;
  beforeAll(() => {
    const stack = newStack();
    binding = new irsa.IrsaBinding(stack, 'LedgerReader', { cluster: importedV2Cluster(stack), namespace: 'payments' });
    new s3.Bucket(stack, 'Ledger').grantRead(binding);
    template = Template.fromStack(stack);
  });

  test('pins sub and aud exactly as the aws-eks binding does', () => {
    const { trustPolicy } = deployedBinding(template, 'LedgerReader');
    expect(trustPolicy.Statement).toEqual([irsaStatement(PROVIDER_ARN, 'system:serviceaccount:payments:ledger-reader')]);
  });

  test('allows the bound ServiceAccount and denies another', () => {
    const { trustPolicy, roleArn } = deployedBinding(template, 'LedgerReader');
    const request = (sub: string) => ({ provider: PROVIDER_ARN, context: { [`${ISSUER}:sub`]: sub, [`${ISSUER}:aud`]: 'sts.amazonaws.com' } });
    expect(simulateAssume(trustPolicy, roleArn, request('system:serviceaccount:payments:ledger-reader'))).toBe('Allowed');
    expect(simulateAssume(trustPolicy, roleArn, request('system:serviceaccount:payments:ledger-writer'))).toBe('ImplicitlyDenied');
  });

  test('applies the annotated ServiceAccount through the cluster\'s kubectl provider', () => {
    const { serviceAccount, roleArn, manifestId } = deployedBinding(template, 'LedgerReader');
    expect(serviceAccount.metadata).toMatchObject({ name: 'ledger-reader', namespace: 'payments', annotations: { 'eks.amazonaws.com/role-arn': roleArn } });
    expect(template.toJSON().Resources[manifestId].Properties.ServiceToken).toBe(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:kubectl-provider`);
    expect(binding.manifest).toBeInstanceOf(eksv2.KubernetesManifest);
  });

  test('is grantable', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [{ PolicyName: 'IrsaBindingPermissions', PolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) })] }) }],
    });
  });
});

describe('eksv2.IrsaBinding on a new aws-eks-v2 cluster', () => {
  test('renders the trust policy with the deploy-time issuer and no CfnJson', () => {
    const stack = newStack();
    const cluster = new eksv2.Cluster(stack, 'Cluster', {
      version: eksv2.KubernetesVersion.V1_33,
      kubectlProviderOptions: { kubectlLayer: new KubectlV33Layer(stack, 'KubectlLayer') },
    });
    new irsa.IrsaBinding(stack, 'LedgerReader', { cluster, namespace: 'payments' });
    const template = Template.fromStack(stack);

    template.resourceCountIs('Custom::AWSCDKCfnJson', 0);
    const { trustPolicy } = deployedBinding(template, 'LedgerReader');
    const issuer = trustPolicy.Statement[0].Principal.Federated.split(':oidc-provider/')[1];
    expect(trustPolicy.Statement[0].Condition.StringEquals).toEqual({
      [`${issuer}:sub`]: 'system:serviceaccount:payments:ledger-reader',
      [`${issuer}:aud`]: 'sts.amazonaws.com',
    });
  });

  test('fails when Pod Identity is asked of a Fargate-only cluster', () => {
    const stack = newStack();
    const cluster = new eksv2.FargateCluster(stack, 'Cluster', {
      version: eksv2.KubernetesVersion.V1_33,
      kubectlProviderOptions: { kubectlLayer: new KubectlV33Layer(stack, 'KubectlLayer') },
    });
    expect(() => new irsa.IrsaBinding(stack, 'LedgerReader', { cluster, identityType: IdentityType.POD_IDENTITY }))
      .toThrow(/EKS Pod Identity does not work on Fargate/);
  });
});
