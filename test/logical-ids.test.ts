import { Template } from 'aws-cdk-lib/assertions';
import { AddonIrsaBinding, AddonPreset, GitOpsIrsaBinding, IdentityType, IrsaBinding } from '../src';
import { newCluster, newStack } from './support/fixtures';

/**
 * Logical ids are part of the contract: CloudFormation replaces a resource whose logical id
 * changes, which for a role in production means a new role ARN and pods that lose access until
 * their ServiceAccount is updated. A refactor that changes any of these must fail here.
 */
describe('logical ids', () => {
  let resources: Record<string, any>;
  beforeAll(() => {
    const stack = newStack({ '@aws-cdk/aws-eks:useNativeOidcProvider': true });
    const cluster = newCluster(stack);
    new IrsaBinding(stack, 'LedgerReader', { cluster, namespace: 'payments', createNamespace: true });
    new IrsaBinding(stack, 'LedgerWriter', { cluster, namespace: 'payments', isolatedManifest: true, identityType: IdentityType.IRSA_AND_POD_IDENTITY });
    new AddonIrsaBinding(stack, 'EbsCsiDriver', { cluster, preset: AddonPreset.EBS_CSI_DRIVER });
    new GitOpsIrsaBinding(stack, 'Exporter', { issuerUrl: 'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' });
    resources = Template.fromStack(stack).toJSON().Resources;
  });

  test.each([
    ['LedgerReaderRole5E049A58', 'AWS::IAM::Role'],
    ['LedgerWriterRoleFF430108', 'AWS::IAM::Role'],
    ['EbsCsiDriverRoleE0044AFE', 'AWS::IAM::Role'],
    ['ExporterRole9B408E7C', 'AWS::IAM::Role'],
    ['IrsaServiceAccountsStackClusterF0EB02FAServiceAccounts47D2CF3D9', 'Custom::AWSCDK-EKS-KubernetesResource'],
    ['IrsaNamespacesStackClusterF0EB02FANamespacesD8AEE931', 'Custom::AWSCDK-EKS-KubernetesResource'],
    ['LedgerWriterServiceAccount888C601C', 'Custom::AWSCDK-EKS-KubernetesResource'],
    ['LedgerWriterPodIdentityAssociation3AEE2E90', 'AWS::EKS::PodIdentityAssociation'],
    ['IrsaOidcProviderfad8330b6FA98527', 'AWS::IAM::OIDCProvider'],
    ['ClusterOidcProviderNativeBAC9C7E2', 'AWS::IAM::OIDCProvider'],
  ])('%s stays a %s', (logicalId, type) => {
    expect(resources[logicalId]?.Type).toBe(type);
  });
});
