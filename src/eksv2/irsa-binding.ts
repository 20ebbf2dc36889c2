import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { IrsaBindingBase } from '../irsa-binding-base';
import { IrsaBindingOptions } from '../irsa-binding-options';
import { buildBinding, kubectlClusterAdapter } from '../private/binding-core';

/**
 * Properties of an `IrsaBinding` on an aws-eks-v2 cluster.
 */
export interface IrsaBindingProps extends IrsaBindingOptions {
  /**
   * The aws-eks-v2 cluster whose pods assume the role: a new `eksv2.Cluster` (with a kubectl
   * provider) or one imported with `eksv2.Cluster.fromClusterAttributes`, which needs
   * `kubectlProvider` (`eksv2.KubectlProvider.fromKubectlProviderAttributes`) and, unless the
   * binding's `openIdConnectProvider` is given, `openIdConnectProvider`.
   */
  readonly cluster: eksv2.ICluster;
}

/**
 * IAM Roles for Service Accounts on an aws-eks-v2 cluster: the same binding as the root
 * `IrsaBinding` (same options, trust, validation and manifests), for the `aws-eks-v2` module.
 *
 * @example
 * declare const cluster: eksv2.Cluster;
 * declare const bucket: s3.Bucket;
 *
 * const reader = new irsa.IrsaBinding(this, 'LedgerReader', { cluster, namespace: 'payments' });
 * bucket.grantRead(reader);
 */
export class IrsaBinding extends IrsaBindingBase {
  /**
   * The manifest that applies the ServiceAccount to the cluster: shared with other bindings of
   * the cluster unless `isolatedManifest` is set.
   */
  public get manifest(): eksv2.KubernetesManifest {
    return this._parts.manifest as eksv2.KubernetesManifest;
  }

  constructor(scope: Construct, id: string, props: IrsaBindingProps) {
    super(scope, id);
    const cluster = props.cluster;
    this._parts = buildBinding(this, kubectlClusterAdapter(cluster, cluster instanceof eksv2.FargateCluster,
      (manifestScope, manifestId, manifestProps) => new eksv2.KubernetesManifest(manifestScope, manifestId, { cluster, ...manifestProps })), props);
  }
}
