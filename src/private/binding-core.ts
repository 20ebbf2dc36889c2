import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, Dependable, IConstruct } from 'constructs';
import { addServiceAccount, ManifestFactory } from './manifests';
import { serviceAccountNameFromId } from './names';
import { BindingRole } from './role';
import { ROLE_ARN_ANNOTATION } from './service-account-manifest';
import {
  addTrustPolicySizeValidation, registerServiceAccount, validateAnnotations, validateAudience, validateLabels,
  validateMaxSessionDuration, validateNamespace, validateRemovalPolicy, validateRoleName, validateServiceAccountName, validateTrustPolicySizeQuota,
} from './validation';
import { IrsaBindingOptions } from '../irsa-binding-options';

/** The audience that the pod-identity-webhook requests and STS expects. */
const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

export interface BindingCoreProps extends IrsaBindingOptions {
  /** The cluster construct, whatever its module (aws-eks or aws-eks-v2). */
  readonly cluster: IConstruct;
  /** The cluster's own OIDC provider, used unless `openIdConnectProvider` is given. */
  readonly clusterProvider: () => iam.IOpenIdConnectProvider;
  /** Creates the module's `KubernetesManifest` for this cluster. */
  readonly manifestFactory: ManifestFactory;
}

/** What a binding is made of, whatever the cluster's module. */
export interface BindingParts {
  readonly openIdConnectProvider: iam.IOpenIdConnectProvider;
  readonly role: iam.Role;
  readonly manifest: Construct;
  readonly serviceAccountName: string;
  readonly serviceAccountNamespace: string;
  readonly subject: string;
  readonly audience: string;
}

/**
 * Builds a binding's role and ServiceAccount under `binding`: trust, validation and manifests
 * are written once here for every cluster module.
 */
export function buildBinding(binding: Construct, props: BindingCoreProps): BindingParts {
  const serviceAccountNamespace = props.namespace ?? 'default';
  const serviceAccountName = props.serviceAccountName ?? serviceAccountNameFromId(binding.node.id);
  const audience = props.audience ?? DEFAULT_AUDIENCE;
  const annotations = props.annotations ?? {};
  validateNamespace(binding, serviceAccountNamespace);
  validateServiceAccountName(binding, serviceAccountName);
  validateAudience(binding, audience);
  validateAnnotations(binding, annotations, ROLE_ARN_ANNOTATION);
  validateLabels(binding, props.labels);
  validateRoleName(binding, props.roleName);
  validateMaxSessionDuration(binding, props.maxSessionDuration);
  validateTrustPolicySizeQuota(binding, props.trustPolicySizeQuota);
  validateRemovalPolicy(binding, props.removalPolicy);
  registerServiceAccount(binding, props.cluster, serviceAccountNamespace, serviceAccountName);

  const subject = `system:serviceaccount:${serviceAccountNamespace}:${serviceAccountName}`;
  const openIdConnectProvider = props.openIdConnectProvider ?? props.clusterProvider();

  const role = new BindingRole(binding, 'Role', {
    provider: openIdConnectProvider,
    subject,
    audience,
    inlinePermissions: props.inlinePermissions ?? true,
    roleName: props.roleName,
    description: props.roleDescription ?? `IRSA role for ${serviceAccountNamespace}/${serviceAccountName}`,
    managedPolicies: props.managedPolicies,
    inlinePolicies: props.inlinePolicies,
    permissionsBoundary: props.permissionsBoundary,
    maxSessionDuration: props.maxSessionDuration,
  });
  if (props.removalPolicy !== undefined) {
    role.applyRemovalPolicy(props.removalPolicy);
  }
  addTrustPolicySizeValidation(binding, { role, providers: [openIdConnectProvider], quota: props.trustPolicySizeQuota });

  const manifest = addServiceAccount(binding, {
    cluster: props.cluster,
    factory: props.manifestFactory,
    shared: !(props.isolatedManifest ?? false),
    overwrite: props.overwriteServiceAccount ?? false,
    removalPolicy: props.removalPolicy,
    spec: {
      name: serviceAccountName,
      namespace: serviceAccountNamespace,
      roleArn: role.roleArn,
      labels: props.labels ?? {},
      annotations,
    },
  });

  // Depending on the binding means depending on its ServiceAccount too, wherever the
  // manifest that applies it lives: pods must start after their ServiceAccount exists.
  Dependable.implement(binding, { dependencyRoots: [role, manifest] });

  return { openIdConnectProvider, role, manifest, serviceAccountName, serviceAccountNamespace, subject, audience };
}
