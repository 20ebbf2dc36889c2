import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AddonIrsaBinding, AddonPreset } from '../src';
import { importedCluster, ISSUER, newStack } from './support/fixtures';
import { deployedBinding } from './support/template';

const policyArn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]] });

describe('AddonIrsaBinding', () => {
  test.each([
    ['EBS_CSI_DRIVER', AddonPreset.EBS_CSI_DRIVER, 'kube-system', 'ebs-csi-controller-sa', 'service-role/AmazonEBSCSIDriverPolicy', false],
    ['EFS_CSI_DRIVER', AddonPreset.EFS_CSI_DRIVER, 'kube-system', 'efs-csi-controller-sa', 'service-role/AmazonEFSCSIDriverPolicy', false],
    ['VPC_CNI', AddonPreset.VPC_CNI, 'kube-system', 'aws-node', 'AmazonEKS_CNI_Policy', true],
    ['CLOUDWATCH_AGENT', AddonPreset.CLOUDWATCH_AGENT, 'amazon-cloudwatch', 'cloudwatch-agent', 'CloudWatchAgentServerPolicy', false],
  ])('%s binds its conventional ServiceAccount with its managed policy', (_, preset, namespace, name, policy, adopts) => {
    const stack = newStack();
    new AddonIrsaBinding(stack, 'Addon', { cluster: importedCluster(stack), preset });
    const template = Template.fromStack(stack);

    const { trustPolicy, serviceAccount, manifestId } = deployedBinding(template, 'Addon');
    expect(trustPolicy.Statement[0].Condition.StringEquals[`${ISSUER}:sub`]).toBe(`system:serviceaccount:${namespace}:${name}`);
    expect(serviceAccount.metadata).toMatchObject({ namespace, name });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: [policyArn(policy)] });
    expect(template.toJSON().Resources[manifestId].Properties.Overwrite).toBe(adopts);
  });

  test('explicit props win over the preset, and managed policies add up', () => {
    const stack = newStack();
    new AddonIrsaBinding(stack, 'Addon', {
      cluster: importedCluster(stack),
      preset: AddonPreset.EBS_CSI_DRIVER,
      serviceAccountName: 'ebs-csi-node-sa',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess')],
    });
    const template = Template.fromStack(stack);

    expect(deployedBinding(template, 'Addon').serviceAccount.metadata.name).toBe('ebs-csi-node-sa');
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [policyArn('service-role/AmazonEBSCSIDriverPolicy'), policyArn('AmazonS3ReadOnlyAccess')],
    });
  });

  test('a custom preset works like the built-in ones', () => {
    const stack = newStack();
    const preset = AddonPreset.of({ namespace: 'karpenter', serviceAccountName: 'karpenter', managedPolicyNames: ['AmazonEC2ReadOnlyAccess'] });
    new AddonIrsaBinding(stack, 'Karpenter', { cluster: importedCluster(stack), preset });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Description: 'IRSA role for karpenter/karpenter',
      ManagedPolicyArns: Match.arrayWith([policyArn('AmazonEC2ReadOnlyAccess')]),
    });
  });
});
