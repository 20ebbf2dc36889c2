import { ApiObject, App, Chart } from 'cdk8s';

/** The pod-identity-webhook's annotations on a ServiceAccount. */
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
export const AUDIENCE_ANNOTATION = 'eks.amazonaws.com/audience';
export const STS_REGIONAL_ENDPOINTS_ANNOTATION = 'eks.amazonaws.com/sts-regional-endpoints';
export const TOKEN_EXPIRATION_ANNOTATION = 'eks.amazonaws.com/token-expiration';

export interface ServiceAccountSpec {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** All annotations, the webhook's included. */
  readonly annotations: Record<string, string>;
  readonly automountServiceAccountToken?: boolean;
  readonly imagePullSecrets?: string[];
}

/**
 * Renders ServiceAccount objects with cdk8s. CDK tokens (the role ARN) pass through cdk8s as
 * strings and are resolved later by the `KubernetesManifest` that applies the objects.
 */
export function renderServiceAccounts(specs: ServiceAccountSpec[]): Record<string, any>[] {
  const chart = new Chart(new App(), 'irsa', { disableResourceNameHashes: true });
  specs.forEach((spec, index) => {
    new ApiObject(chart, `ServiceAccount${index}`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: spec.name,
        namespace: spec.namespace,
        labels: Object.keys(spec.labels).length > 0 ? { ...spec.labels } : undefined,
        annotations: Object.keys(spec.annotations).length > 0 ? { ...spec.annotations } : undefined,
      },
      automountServiceAccountToken: spec.automountServiceAccountToken,
      imagePullSecrets: spec.imagePullSecrets?.map(name => ({ name })),
    });
  });
  return chart.toJson();
}

/** Renders Namespace objects with cdk8s. */
export function renderNamespaces(names: string[]): Record<string, any>[] {
  const chart = new Chart(new App(), 'irsa', { disableResourceNameHashes: true });
  names.forEach((name, index) => {
    new ApiObject(chart, `Namespace${index}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  });
  return chart.toJson();
}
