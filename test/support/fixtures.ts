import { KubectlV33Layer } from '@aws-cdk/lambda-layer-kubectl-v33';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';

export const ACCOUNT = '123456789012';
export const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;

export function newStack(context: Record<string, any> = {}): Stack {
  const app = new App({ context });
  return new Stack(app, 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
}

/** A cluster imported with a literal provider ARN: the issuer is known at synth time. */
export function importedCluster(stack: Stack, providerArn: string = PROVIDER_ARN): eks.ICluster {
  return eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'prod',
    kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:role/kubectl`,
    openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Provider', providerArn),
  });
}

/** A new cluster: its issuer is a deploy-time value. */
export function newCluster(stack: Stack): eks.Cluster {
  return new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_33,
    kubectlLayer: new KubectlV33Layer(stack, 'KubectlLayer'),
    defaultCapacity: 0,
  });
}

/**
 * The one trust statement a binding gives each provider: AssumeRoleWithWebIdentity, with `sub` and
 * `aud` of the provider's issuer pinned by StringEquals.
 */
export function irsaStatement(providerArn: string, subject: string | string[], audience = 'sts.amazonaws.com') {
  const issuer = providerArn.split(':oidc-provider/')[1];
  return {
    Action: 'sts:AssumeRoleWithWebIdentity',
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Condition: { StringEquals: { [`${issuer}:sub`]: subject, [`${issuer}:aud`]: audience } },
  };
}
