import { KubectlV33Layer } from '@aws-cdk/lambda-layer-kubectl-v33';
import { App, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IrsaBinding } from '../src';

/**
 * The ways of binding a ServiceAccount to an IAM role that the benchmark compares: cdk-irsa's
 * default (ServiceAccounts in at most 8 shared manifests per cluster and stack), cdk-irsa with a
 * manifest per binding (`isolatedManifest: true`), and aws-eks. "Library" is the label in the
 * report and in benchmarks.json.
 */
export type Library = 'cdk-irsa' | 'cdk-irsa (isolated)' | 'aws-eks';
export const LIBRARIES: readonly Library[] = ['cdk-irsa', 'cdk-irsa (isolated)', 'aws-eks'];
/** cdk-irsa in its default configuration: what issue 4's targets are about. */
export const DEFAULT: Library = 'cdk-irsa';
/** cdk-irsa with `isolatedManifest: true`. */
export const ISOLATED: Library = 'cdk-irsa (isolated)';
/** The competitor: aws-cdk-lib's aws-eks `ServiceAccount`. */
export const COMPETITOR: Library = 'aws-eks';

/**
 * - `imported`: `eks.Cluster.fromClusterAttributes` with a kubectl role and an OIDC provider whose
 *   ARN is only known at deploy time (`Fn::ImportValue`), as in a workload stack next to a
 *   cluster stack. The cluster itself is not in the stack.
 * - `new`: a new `eks.Cluster` (VPC, control plane, kubectl layer) in the same stack, as in
 *   test/support/fixtures.ts, with aws-cdk-lib's default feature flags.
 */
export type ClusterSetup = 'imported' | 'new';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const STACK_NAME = 'Bench';
export const NAMESPACE = 'bench';

export interface Scenario {
  /** Who creates the bindings; unset for the stack without bindings. */
  readonly library?: Library;
  readonly bindings: number;
  readonly cluster: ClusterSetup;
}

export function describeScenario(s: Scenario): string {
  return `${s.library ?? 'no bindings'} N=${s.bindings} (${s.cluster} cluster)`;
}

/**
 * Builds the app of one scenario. The stack is the same for every scenario (cluster, one shared
 * bucket, the namespace of the ServiceAccounts applied with a KubernetesManifest); only the
 * bindings differ. Each binding gets the same namespace and an explicit, equally long name in
 * every variant, and is granted read access to the shared bucket.
 *
 * The namespace manifest is there because neither library creates namespaces, so a real workload
 * stack applies its own; it also puts the kubectl provider (a nested stack created on the first
 * KubernetesManifest) into the stack without bindings, so that differences to that stack measure
 * the bindings only.
 */
export function buildApp(outdir: string, scenario: Scenario): { app: App; stack: Stack } {
  const app = new App({
    outdir,
    context: {
      // count resources ourselves (and past 500, to show how far each library gets): aws-cdk-lib
      // would stop the synth of a stack over the limit
      '@aws-cdk/core:stackResourceLimit': 0,
      // known availability zones keep the new cluster's VPC from falling back to dummy ones
      [`availability-zones:account=${ACCOUNT}:region=${REGION}`]: [`${REGION}a`, `${REGION}b`, `${REGION}c`],
    },
  });
  const stack = new Stack(app, STACK_NAME, { env: { account: ACCOUNT, region: REGION } });
  // stacks past 500 resources are synthesized on purpose; keep the validation report quiet about it
  Validations.of(stack).acknowledge({
    id: 'CloudFormation-Validate::F0007',
    reason: 'the benchmark synthesizes stacks over 500 resources on purpose and counts them itself',
  });

  const cluster = scenario.cluster === 'imported'
    ? eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'prod',
      kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:role/kubectl`,
      openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Provider',
        Fn.importValue('prod-oidc-provider-arn')),
    })
    : new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_33,
      kubectlLayer: new KubectlV33Layer(stack, 'KubectlLayer'),
      defaultCapacity: 0,
    });

  const bucket = new s3.Bucket(stack, 'Shared');
  new eks.KubernetesManifest(stack, 'Namespace', {
    cluster,
    manifest: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }],
  });

  for (let i = 0; i < scenario.bindings; i++) {
    const id = `Workload${String(i).padStart(4, '0')}`;
    const name = `workload-${String(i).padStart(4, '0')}`;
    switch (scenario.library) {
      case 'cdk-irsa':
        bucket.grantRead(new IrsaBinding(stack, id, { cluster, namespace: NAMESPACE, serviceAccountName: name }));
        break;
      case 'cdk-irsa (isolated)':
        bucket.grantRead(new IrsaBinding(stack, id, { cluster, namespace: NAMESPACE, serviceAccountName: name, isolatedManifest: true }));
        break;
      case 'aws-eks':
        bucket.grantRead(new eks.ServiceAccount(stack, id, { cluster, namespace: NAMESPACE, name }));
        break;
      default:
        throw new Error(`bindings without a library: ${describeScenario(scenario)}`);
    }
  }
  return { app, stack };
}
