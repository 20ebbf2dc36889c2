import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { IrsaBindingBase } from './irsa-binding-base';
import { IrsaBindingOptions } from './irsa-binding-options';
import { buildBinding, kubectlClusterAdapter } from './private/binding-core';

/**
 * Properties of an `IrsaBinding`.
 */
export interface IrsaBindingProps extends IrsaBindingOptions {
  /**
   * The EKS cluster whose pods assume the role: a new `eks.Cluster` or one imported with
   * `eks.Cluster.fromClusterAttributes` (with `kubectlRoleArn` and, unless
   * `openIdConnectProvider` is given, `openIdConnectProvider`).
   */
  readonly cluster: eks.ICluster;
}

/**
 * IAM Roles for Service Accounts in one declaration: an IAM role that only one Kubernetes
 * ServiceAccount can assume, through the cluster's OIDC provider, and that ServiceAccount,
 * annotated with the role, applied to the cluster.
 *
 * @example
 * declare const cluster: eks.Cluster;
 * declare const bucket: s3.Bucket;
 *
 * const reader = new IrsaBinding(this, 'LedgerReader', {
 *   cluster,
 *   namespace: 'payments',
 * });
 * bucket.grantRead(reader);
 */
export class IrsaBinding extends IrsaBindingBase {
  /**
   * The manifest that applies the ServiceAccount to the cluster: shared with other bindings of
   * the cluster unless `isolatedManifest` is set.
   */
  public get manifest(): eks.KubernetesManifest {
    return this._parts.manifest as eks.KubernetesManifest;
  }

  constructor(scope: Construct, id: string, props: IrsaBindingProps) {
    super(scope, id);
    const cluster = props.cluster;
    this._parts = buildBinding(this, kubectlClusterAdapter(cluster, cluster instanceof eks.FargateCluster,
      (manifestScope, manifestId, manifestProps) => new eks.KubernetesManifest(manifestScope, manifestId, { cluster, ...manifestProps })), props);
  }
}
