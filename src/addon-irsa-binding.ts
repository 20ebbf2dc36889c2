import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { IrsaBinding, IrsaBindingProps } from './irsa-binding';

/**
 * Where an add-on's controller runs and which AWS managed policies it needs.
 */
export interface AddonPresetProps {
  /** Namespace of the add-on's ServiceAccount. */
  readonly namespace: string;

  /** Name of the add-on's ServiceAccount. */
  readonly serviceAccountName: string;

  /** AWS managed policies the add-on needs, by name (e.g. `service-role/AmazonEBSCSIDriverPolicy`). */
  readonly managedPolicyNames: string[];

  /**
   * Whether the ServiceAccount usually exists before the binding (created by EKS or the add-on),
   * so that the binding adopts it.
   *
   * @default false
   */
  readonly serviceAccountExists?: boolean;
}

/**
 * The conventional ServiceAccount and AWS managed policies of a common EKS add-on.
 */
export class AddonPreset {
  /** The Amazon EBS CSI driver's controller (`kube-system/ebs-csi-controller-sa`). */
  public static readonly EBS_CSI_DRIVER = new AddonPreset({
    namespace: 'kube-system',
    serviceAccountName: 'ebs-csi-controller-sa',
    managedPolicyNames: ['service-role/AmazonEBSCSIDriverPolicy'],
  });

  /** The Amazon EFS CSI driver's controller (`kube-system/efs-csi-controller-sa`). */
  public static readonly EFS_CSI_DRIVER = new AddonPreset({
    namespace: 'kube-system',
    serviceAccountName: 'efs-csi-controller-sa',
    managedPolicyNames: ['service-role/AmazonEFSCSIDriverPolicy'],
  });

  /** The Amazon VPC CNI plugin (`kube-system/aws-node`, which EKS creates, so it is adopted), IPv4 clusters. */
  public static readonly VPC_CNI = new AddonPreset({
    namespace: 'kube-system',
    serviceAccountName: 'aws-node',
    managedPolicyNames: ['AmazonEKS_CNI_Policy'],
    serviceAccountExists: true,
  });

  /** The CloudWatch agent (`amazon-cloudwatch/cloudwatch-agent`). */
  public static readonly CLOUDWATCH_AGENT = new AddonPreset({
    namespace: 'amazon-cloudwatch',
    serviceAccountName: 'cloudwatch-agent',
    managedPolicyNames: ['CloudWatchAgentServerPolicy'],
  });

  /** A preset of your own, e.g. for an in-house operator. */
  public static of(props: AddonPresetProps): AddonPreset {
    return new AddonPreset(props);
  }

  /** Namespace of the add-on's ServiceAccount. */
  public readonly namespace: string;

  /** Name of the add-on's ServiceAccount. */
  public readonly serviceAccountName: string;

  /** AWS managed policies the add-on needs. */
  public readonly managedPolicyNames: string[];

  /** Whether the ServiceAccount usually exists before the binding. */
  public readonly serviceAccountExists: boolean;

  private constructor(props: AddonPresetProps) {
    this.namespace = props.namespace;
    this.serviceAccountName = props.serviceAccountName;
    this.managedPolicyNames = [...props.managedPolicyNames];
    this.serviceAccountExists = props.serviceAccountExists ?? false;
  }
}

/**
 * Properties of an `AddonIrsaBinding`.
 */
export interface AddonIrsaBindingProps extends IrsaBindingProps {
  /** The add-on: its namespace, ServiceAccount and managed policies are the defaults of the binding. */
  readonly preset: AddonPreset;
}

/**
 * An `IrsaBinding` for a common add-on, with the add-on's conventional namespace, ServiceAccount
 * name and AWS managed policies. Any prop given explicitly wins over the preset; managed policies
 * given are added to the preset's.
 *
 * @example
 * declare const cluster: eks.Cluster;
 *
 * new AddonIrsaBinding(this, 'EbsCsiDriver', { cluster, preset: AddonPreset.EBS_CSI_DRIVER });
 */
export class AddonIrsaBinding extends IrsaBinding {
  constructor(scope: Construct, id: string, props: AddonIrsaBindingProps) {
    const { preset } = props;
    super(scope, id, {
      ...props,
      namespace: props.namespace ?? preset.namespace,
      serviceAccountName: props.serviceAccountName ?? preset.serviceAccountName,
      managedPolicies: [
        ...preset.managedPolicyNames.map(name => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
        ...(props.managedPolicies ?? []),
      ],
      overwriteServiceAccount: props.overwriteServiceAccount ?? preset.serviceAccountExists,
    });
  }
}
