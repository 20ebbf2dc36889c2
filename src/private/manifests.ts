import { createHash } from 'crypto';
import { Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { renderNamespaces, renderServiceAccounts, ServiceAccountSpec } from './service-account-manifest';

/**
 * Number of shared manifests the ServiceAccounts of one cluster (per stack) are spread over.
 * A ServiceAccount's manifest is chosen by a hash of its namespace and name, never by how many
 * bindings there are, so adding or removing a binding never moves another ServiceAccount between
 * manifests (a move could let one manifest prune it before the other applies it). With 8, 500
 * bindings put about 60 ServiceAccounts (about 25 KB) in a manifest, far below the kubectl
 * handler's payload limit, which carries old and new manifests on update.
 */
export const SHARED_MANIFEST_COUNT = 8;

export interface ManifestFactoryProps {
  readonly manifest: Record<string, any>[];
  readonly overwrite: boolean;
  readonly removalPolicy?: RemovalPolicy;
  /** @default - the cluster's setting */
  readonly prune?: boolean;
}

/** Creates the construct that applies a manifest to the cluster (aws-eks or aws-eks-v2 `KubernetesManifest`). */
export type ManifestFactory = (scope: Construct, id: string, props: ManifestFactoryProps) => Construct;

export interface AddServiceAccountOptions {
  /** The cluster construct: ServiceAccounts are grouped per cluster. */
  readonly cluster: IConstruct;
  readonly factory: ManifestFactory;
  /** Share manifests with the other bindings of the cluster in the same stack. */
  readonly shared: boolean;
  readonly overwrite: boolean;
  readonly removalPolicy?: RemovalPolicy;
  readonly spec: ServiceAccountSpec;
}

/**
 * Adds a binding's ServiceAccount to the cluster and returns the manifest construct that applies
 * it: a manifest of the binding's own, or one of the cluster's shared manifests.
 */
export function addServiceAccount(binding: Construct, options: AddServiceAccountOptions): Construct {
  const props = { overwrite: options.overwrite, removalPolicy: options.removalPolicy };
  if (!options.shared) {
    return options.factory(binding, 'ServiceAccount', { ...props, manifest: renderServiceAccounts([options.spec]) });
  }
  // DESTROY is what a manifest does when no policy is given: the same manifest, so that stating
  // the default never moves a ServiceAccount to another manifest
  const removalPolicy = options.removalPolicy === RemovalPolicy.DESTROY ? undefined : options.removalPolicy;
  return SharedServiceAccounts.of(binding, { ...options, removalPolicy }).add(binding, options.spec);
}

/**
 * The shared manifests of one cluster in one stack (one set per overwrite and removal setting,
 * since those are properties of a manifest).
 */
class SharedServiceAccounts extends Construct {
  public static of(binding: Construct, options: AddServiceAccountOptions): SharedServiceAccounts {
    const stack = Stack.of(binding);
    const settings = (options.overwrite ? 'Overwrite' : '') + (options.removalPolicy ? pascal(options.removalPolicy) : '');
    const id = `IrsaServiceAccounts${settings}${Names.nodeUniqueId(options.cluster.node)}`;
    const existing = stack.node.tryFindChild(id);
    return existing instanceof SharedServiceAccounts ? existing : new SharedServiceAccounts(stack, id, options);
  }

  private readonly manifests = new Map<number, { construct: Construct; objects: Record<string, any>[]; labels: Record<string, string> }>();

  private constructor(scope: Construct, id: string, private readonly options: AddServiceAccountOptions) {
    super(scope, id);
  }

  public add(binding: Construct, spec: ServiceAccountSpec): Construct {
    const index = manifestIndex(binding, spec);
    const objects = renderServiceAccounts([spec]);
    const existing = this.manifests.get(index);
    if (existing) {
      // labels that the manifest added to its first object (its prune label), for the others too
      for (const object of objects) {
        object.metadata.labels = { ...existing.labels, ...object.metadata.labels };
      }
      existing.objects.push(...objects);
      return existing.construct;
    }
    // the manifest is rendered at synthesis, so objects pushed later are applied too
    const construct = this.options.factory(this, `ServiceAccounts${index}`, {
      manifest: objects,
      overwrite: this.options.overwrite,
      removalPolicy: this.options.removalPolicy,
    });
    const added = Object.fromEntries(Object.entries<string>(objects[0].metadata.labels ?? {})
      .filter(([key]) => !(key in spec.labels)));
    this.manifests.set(index, { construct, objects, labels: added });
    return construct;
  }
}

function manifestIndex(binding: Construct, spec: ServiceAccountSpec): number {
  // the identity of the ServiceAccount decides its manifest; tokens have no stable text, so a
  // binding with a token name or namespace is placed by its construct path instead
  const identity = Token.isUnresolved(spec.namespace) || Token.isUnresolved(spec.name)
    ? binding.node.path
    : `${spec.namespace}/${spec.name}`;
  return createHash('sha256').update(identity).digest().readUInt32BE(0) % SHARED_MANIFEST_COUNT;
}

function pascal(value: string): string {
  return value.split(/[^a-zA-Z0-9]+/).map(word => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()).join('');
}

/**
 * Adds a namespace to the cluster's namespaces manifest (one per cluster and stack) and returns
 * that manifest, for ServiceAccount manifests to depend on. It neither prunes nor deletes: a
 * namespace holds more than the binding's ServiceAccount, and deleting it deletes all of that.
 */
export function addNamespace(binding: Construct, cluster: IConstruct, factory: ManifestFactory, namespace: string): Construct {
  const stack = Stack.of(binding);
  const id = `IrsaNamespaces${Names.nodeUniqueId(cluster.node)}`;
  const existing = stack.node.tryFindChild(id) as NamespacesManifest | undefined;
  const manifest = existing ?? new NamespacesManifest(stack, id, factory);
  manifest.add(namespace);
  return manifest.construct;
}

class NamespacesManifest extends Construct {
  public readonly construct: Construct;
  private readonly names: string[] = [];
  private readonly objects: Record<string, any>[] = [];

  constructor(scope: Construct, id: string, factory: ManifestFactory) {
    super(scope, id);
    this.construct = factory(this, 'Namespaces', {
      manifest: this.objects,
      // kubectl apply adopts a namespace that exists already
      overwrite: true,
      removalPolicy: RemovalPolicy.RETAIN,
      prune: false,
    });
  }

  public add(namespace: string): void {
    if (this.names.includes(namespace)) return;
    this.names.push(namespace);
    this.objects.push(...renderNamespaces([namespace]));
  }
}
