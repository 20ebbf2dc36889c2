import { CfnResource, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, Dependable, IConstruct } from 'constructs';
import { addNamespace, addServiceAccount, ManifestFactory } from './manifests';
import { serviceAccountNameFromId } from './names';
import { BindingRole, OidcTrust } from './role';
import {
  AUDIENCE_ANNOTATION, ROLE_ARN_ANNOTATION, ServiceAccountSpec, STS_REGIONAL_ENDPOINTS_ANNOTATION, TOKEN_EXPIRATION_ANNOTATION,
} from './service-account-manifest';
import {
  addTrustPolicySizeValidation, IrsaValidationError, registerServiceAccount, show, validateAnnotations, validateAudience, validateLabels,
  validateMaxSessionDuration, validateNamespace, validateRemovalPolicy, validateRoleName, validateServiceAccountName, validateTrustPolicySizeQuota,
} from './validation';
import { IdentityType, IrsaBindingOptions, TrustedServiceAccount } from '../irsa-binding-options';

/** The audience that the pod-identity-webhook requests and STS expects. */
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

/** The webhook's floor for `token-expiration`, in seconds. */
const MIN_TOKEN_EXPIRATION_SECONDS = 600;

/** Namespaces that every cluster has: a binding may use them, never create them. */
const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The cluster side of a binding, whatever the cluster's module (aws-eks or aws-eks-v2). */
export interface ClusterAdapter {
  /** The cluster construct: ServiceAccounts are grouped per cluster. */
  readonly construct: IConstruct;
  readonly clusterName: string;
  /** Whether the cluster is known at synth time to run its pods on Fargate only. */
  readonly fargateOnly: boolean;
  /** Creates the module's `KubernetesManifest` for this cluster. */
  readonly manifestFactory: ManifestFactory;
  /** The cluster's own OIDC provider, used unless the binding is given one. */
  openIdConnectProvider(): iam.IOpenIdConnectProvider;
  /** Makes sure the EKS Pod Identity Agent add-on is installed, where the module can. */
  ensurePodIdentityAgent(): void;
  /** The role's name when the binding gives none; a generated name when this is absent. */
  defaultRoleName?(namespace: string, name: string): string;
  /** The role ARN to annotate the ServiceAccounts with, where it must be known before deployment. */
  annotatedRoleArn?(role: iam.Role): string;
}

/** What aws-eks and aws-eks-v2 clusters both offer a binding. */
export interface KubectlCluster extends IConstruct {
  readonly clusterName: string;
  readonly openIdConnectProvider: iam.IOpenIdConnectProvider;
  readonly eksPodIdentityAgent?: IConstruct;
}

/** The adapter of a cluster that applies manifests through its kubectl provider (aws-eks or aws-eks-v2). */
export function kubectlClusterAdapter(cluster: KubectlCluster, fargateOnly: boolean, manifestFactory: ManifestFactory): ClusterAdapter {
  return {
    construct: cluster,
    clusterName: cluster.clusterName,
    fargateOnly,
    manifestFactory,
    openIdConnectProvider: () => cluster.openIdConnectProvider,
    // a new cluster installs the agent add-on on first access; an imported one must have it
    ensurePodIdentityAgent: () => cluster.eksPodIdentityAgent,
  };
}

/** What a binding is made of, whatever the cluster's module. */
export interface BindingParts {
  readonly openIdConnectProvider?: iam.IOpenIdConnectProvider;
  readonly role: iam.Role;
  /** The role ARN the ServiceAccounts are annotated with. */
  readonly roleArn: string;
  readonly manifest: Construct;
  readonly serviceAccountName: string;
  readonly serviceAccountNamespace: string;
  readonly subject: string;
  readonly audience: string;
}

/**
 * Builds a binding's role and ServiceAccounts under `binding`: trust, validation and manifests
 * are written once here for every cluster module.
 */
export function buildBinding(binding: Construct, cluster: ClusterAdapter, props: IrsaBindingOptions): BindingParts {
  const namespace = props.namespace ?? 'default';
  const name = props.serviceAccountName ?? serviceAccountNameFromId(binding.node.id);
  const audience = props.audience ?? DEFAULT_AUDIENCE;
  const identityType = props.identityType ?? IdentityType.IRSA;
  const irsa = identityType !== IdentityType.POD_IDENTITY;
  const podIdentity = identityType !== IdentityType.IRSA;
  validateNamespace(binding, namespace);
  validateServiceAccountName(binding, name);
  validateAudience(binding, audience);
  validateAnnotations(binding, props.annotations, ROLE_ARN_ANNOTATION);
  validateLabels(binding, props.labels);
  validateRoleName(binding, props.roleName);
  validateMaxSessionDuration(binding, props.maxSessionDuration);
  validateTrustPolicySizeQuota(binding, props.trustPolicySizeQuota);
  validateRemovalPolicy(binding, props.removalPolicy);

  if (podIdentity && cluster.fargateOnly) {
    throw new IrsaValidationError(binding,
      `invalid identityType ${show(identityType)}: EKS Pod Identity does not work on Fargate and this cluster runs its pods on Fargate only; use IdentityType.IRSA`);
  }
  const additional = props.additionalServiceAccounts ?? [];
  const namespaceWide = props.trustAllServiceAccountsInNamespaces ?? [];
  additional.forEach((account, i) => {
    validateNamespace(binding, account.namespace, `additionalServiceAccounts[${i}].namespace`);
    validateServiceAccountName(binding, account.name, `additionalServiceAccounts[${i}].name`);
  });
  namespaceWide.forEach((ns, i) => validateNamespace(binding, ns, `trustAllServiceAccountsInNamespaces[${i}]`));
  if (!irsa && (namespaceWide.length > 0 || additional.some(a => a.openIdConnectProvider))) {
    throw new IrsaValidationError(binding,
      'invalid identityType "POD_IDENTITY": trustAllServiceAccountsInNamespaces and additionalServiceAccounts in other clusters are trusted through OIDC; use IdentityType.IRSA or IRSA_AND_POD_IDENTITY');
  }

  const openIdConnectProvider = irsa ? props.openIdConnectProvider ?? cluster.openIdConnectProvider() : props.openIdConnectProvider;
  const local = [{ namespace, name }, ...additional.filter(a => !a.openIdConnectProvider || a.openIdConnectProvider === openIdConnectProvider)];
  for (const account of local) registerServiceAccount(binding, cluster.construct, account.namespace, account.name);

  const oidc = irsa && openIdConnectProvider
    ? oidcTrust(openIdConnectProvider, local, additional.filter(a => !local.includes(a)), namespaceWide)
    : [];

  const role = new BindingRole(binding, 'Role', {
    oidc,
    audience,
    podIdentity,
    inlinePermissions: props.inlinePermissions ?? true,
    roleName: props.roleName ?? cluster.defaultRoleName?.(namespace, name),
    description: props.roleDescription ?? `IRSA role for ${namespace}/${name}`,
    managedPolicies: props.managedPolicies,
    inlinePolicies: props.inlinePolicies,
    permissionsBoundary: props.permissionsBoundary,
    maxSessionDuration: props.maxSessionDuration,
  });
  if (props.removalPolicy !== undefined) {
    role.applyRemovalPolicy(props.removalPolicy);
  }
  addTrustPolicySizeValidation(binding, {
    role,
    providers: oidc.map(trust => trust.provider),
    quota: props.trustPolicySizeQuota,
    subjects: oidc.flatMap(trust => [...trust.subjects, ...trust.subjectPatterns]),
  });

  const roleArn = cluster.annotatedRoleArn?.(role) ?? role.roleArn;
  const annotations = serviceAccountAnnotations(binding, props, { irsa, audience, roleArn });
  const namespaceManifest = props.createNamespace ? createNamespace(binding, cluster, namespace) : undefined;
  const manifests = local.map(account => {
    const spec: ServiceAccountSpec = {
      name: account.name,
      namespace: account.namespace,
      labels: props.labels ?? {},
      annotations,
      automountServiceAccountToken: props.automountServiceAccountToken,
      imagePullSecrets: props.imagePullSecrets,
    };
    const manifest = addServiceAccount(binding, {
      cluster: cluster.construct,
      factory: cluster.manifestFactory,
      shared: !(props.isolatedManifest ?? false),
      overwrite: props.overwriteServiceAccount ?? false,
      removalPolicy: props.removalPolicy,
      spec,
    });
    if (namespaceManifest && account.namespace === namespace) manifest.node.addDependency(namespaceManifest);
    return manifest;
  });

  const associations: CfnResource[] = [];
  if (podIdentity) {
    cluster.ensurePodIdentityAgent();
    local.forEach((account, i) => {
      associations.push(new eks.CfnPodIdentityAssociation(binding, i === 0 ? 'PodIdentityAssociation' : `PodIdentityAssociation${i}`, {
        clusterName: cluster.clusterName,
        namespace: account.namespace,
        serviceAccount: account.name,
        roleArn: role.roleArn,
      }));
    });
  }

  // Depending on the binding means depending on its ServiceAccounts too, wherever the
  // manifests that apply them live: pods must start after their ServiceAccount exists.
  Dependable.implement(binding, { dependencyRoots: [role, ...new Set(manifests), ...associations] });

  return {
    openIdConnectProvider,
    role,
    roleArn,
    manifest: manifests[0],
    serviceAccountName: name,
    serviceAccountNamespace: namespace,
    subject: subjectOf(namespace, name),
    audience,
  };
}

const subjectOf = (namespace: string, name: string) => `system:serviceaccount:${namespace}:${name}`;

/**
 * OIDC trust grouped by provider: the binding's provider vouches for the ServiceAccounts of its
 * cluster (exactly) and the namespace-wide opt-ins; every other provider for its own
 * ServiceAccounts (exactly).
 */
function oidcTrust(
  provider: iam.IOpenIdConnectProvider,
  local: Array<{ namespace: string; name: string }>,
  elsewhere: TrustedServiceAccount[],
  namespaceWide: string[],
): OidcTrust[] {
  const trust: OidcTrust[] = [{
    provider,
    subjects: local.map(a => subjectOf(a.namespace, a.name)),
    subjectPatterns: namespaceWide.map(ns => subjectOf(ns, '*')),
  }];
  for (const account of elsewhere) {
    const subject = subjectOf(account.namespace, account.name);
    const existing = trust.find(t => t.provider === account.openIdConnectProvider);
    if (existing) existing.subjects.push(subject);
    else trust.push({ provider: account.openIdConnectProvider!, subjects: [subject], subjectPatterns: [] });
  }
  return trust;
}

function serviceAccountAnnotations(
  binding: Construct,
  props: IrsaBindingOptions,
  context: { irsa: boolean; audience: string; roleArn: string },
): Record<string, string> {
  const user = props.annotations ?? {};
  const webhook: Record<string, string> = {};
  if (context.irsa) {
    webhook[ROLE_ARN_ANNOTATION] = context.roleArn;
    if (context.audience !== DEFAULT_AUDIENCE) webhook[AUDIENCE_ANNOTATION] = context.audience;
  }
  if (props.stsRegionalEndpoints !== undefined) {
    webhook[STS_REGIONAL_ENDPOINTS_ANNOTATION] = String(props.stsRegionalEndpoints);
  }
  if (props.tokenExpiration !== undefined) {
    const seconds = props.tokenExpiration.toSeconds();
    if (!Token.isUnresolved(seconds) && (seconds < MIN_TOKEN_EXPIRATION_SECONDS || !Number.isInteger(seconds))) {
      throw new IrsaValidationError(binding,
        `invalid tokenExpiration ${seconds} seconds: the pod-identity-webhook takes whole seconds, at least ${MIN_TOKEN_EXPIRATION_SECONDS} (10 minutes)`);
    }
    // annotation values are strings: a number is refused by the API server
    webhook[TOKEN_EXPIRATION_ANNOTATION] = Token.isUnresolved(seconds) ? Token.asString(seconds) : String(seconds);
  }
  if (!context.irsa && Object.keys(webhook).length > 0) {
    throw new IrsaValidationError(binding,
      `invalid ${Object.keys(webhook).map(show).join(', ')} with identityType "POD_IDENTITY": the pod-identity-webhook only acts for IRSA; remove these options or use IRSA_AND_POD_IDENTITY`);
  }

  const typedProp: Record<string, string> = {
    [ROLE_ARN_ANNOTATION]: 'the binding\'s role',
    [AUDIENCE_ANNOTATION]: 'the audience prop',
    [STS_REGIONAL_ENDPOINTS_ANNOTATION]: 'the stsRegionalEndpoints prop',
    [TOKEN_EXPIRATION_ANNOTATION]: 'the tokenExpiration prop',
  };
  for (const key of Object.keys(user)) {
    // the role and audience annotations must match the trust policy; the others must not disagree with their props
    const owned = key === ROLE_ARN_ANNOTATION || key === AUDIENCE_ANNOTATION || key in webhook;
    if (owned && key in typedProp) {
      throw new IrsaValidationError(binding,
        `invalid annotations: ${show(key)} is set by the binding from ${typedProp[key]}; remove it from annotations${key === ROLE_ARN_ANNOTATION ? '' : ' and use the prop'}`);
    }
  }
  return { ...user, ...webhook };
}

function createNamespace(binding: Construct, cluster: ClusterAdapter, namespace: string): Construct {
  if (!Token.isUnresolved(namespace) && BUILT_IN_NAMESPACES.includes(namespace)) {
    throw new IrsaValidationError(binding,
      `invalid createNamespace with namespace ${show(namespace)}: ${BUILT_IN_NAMESPACES.map(show).join(', ')} exist in every cluster; remove createNamespace`);
  }
  return addNamespace(binding, cluster.construct, cluster.manifestFactory, namespace);
}
