import { createHash } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { Lazy, Stack, Stage, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Yaml } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { IrsaBindingBase } from './irsa-binding-base';
import { IrsaBindingOptions } from './irsa-binding-options';
import { buildBinding, DEFAULT_AUDIENCE } from './private/binding-core';
import { IrsaValidationError, show } from './private/validation';

/**
 * Properties of a `GitOpsIrsaBinding`.
 */
export interface GitOpsIrsaBindingProps extends IrsaBindingOptions {
  /**
   * The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<id>`), for which
   * an IAM OIDC provider (`AWS::IAM::OIDCProvider`) is created, once per issuer in the app.
   *
   * Give either this or `openIdConnectProvider` (a provider that exists already).
   *
   * @default - use `openIdConnectProvider`
   */
  readonly issuerUrl?: string;

  /**
   * Name of the EKS cluster, needed for `IdentityType.POD_IDENTITY` associations.
   *
   * @default - none: only IRSA is possible
   */
  readonly clusterName?: string;
}

/**
 * IAM Roles for Service Accounts for clusters whose Kubernetes objects are applied by Argo CD,
 * Flux or another GitOps tool: creates the role (and the OIDC provider if asked) and writes the
 * ServiceAccount as YAML into the cloud assembly (`cdk-irsa/<stack>/<namespace>.<name>.yaml`)
 * instead of applying it with kubectl. `manifestYaml` holds the same YAML.
 *
 * The role gets a deterministic name unless `roleName` is given, so its ARN, and so the YAML, is
 * known before deployment; the stack needs an explicit account and region.
 *
 * @example
 * declare const bucket: s3.Bucket;
 *
 * const reader = new GitOpsIrsaBinding(this, 'LedgerReader', {
 *   issuerUrl: 'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
 *   namespace: 'payments',
 * });
 * bucket.grantRead(reader);
 */
export class GitOpsIrsaBinding extends IrsaBindingBase {
  /** The Kubernetes objects to apply (the namespace first, with `createNamespace`), as YAML. */
  public readonly manifestYaml: string;

  /** Where in the cloud assembly the YAML is written, relative to its directory. */
  public readonly manifestFile: string;

  constructor(scope: Construct, id: string, props: GitOpsIrsaBindingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
      throw new IrsaValidationError(this,
        'invalid stack environment: a GitOpsIrsaBinding writes the role ARN into YAML before deployment, so its stack needs an explicit env with account and region');
    }
    if (props.isolatedManifest !== undefined || props.overwriteServiceAccount !== undefined) {
      throw new IrsaValidationError(this,
        'invalid isolatedManifest or overwriteServiceAccount: a GitOpsIrsaBinding applies nothing itself; remove them and let the GitOps tool decide');
    }
    if (props.issuerUrl !== undefined && props.openIdConnectProvider !== undefined) {
      throw new IrsaValidationError(this, 'invalid issuerUrl with openIdConnectProvider: give one of them');
    }
    const provider = props.issuerUrl !== undefined
      ? providerForIssuer(this, props.issuerUrl, props.audience ?? DEFAULT_AUDIENCE)
      : props.openIdConnectProvider;

    const documents: Record<string, any>[][] = [];
    this._parts = buildBinding(this, {
      construct: this,
      clusterName: props.clusterName ?? '',
      fargateOnly: false,
      openIdConnectProvider: () => {
        throw new IrsaValidationError(this, 'invalid props: a GitOpsIrsaBinding needs issuerUrl or openIdConnectProvider');
      },
      ensurePodIdentityAgent: () => {
        if (props.clusterName === undefined) {
          throw new IrsaValidationError(this, 'invalid identityType with Pod Identity: a GitOpsIrsaBinding needs clusterName for the association');
        }
      },
      defaultRoleName: (namespace, name) => deterministicRoleName(this, namespace, name),
      annotatedRoleArn: role => {
        const roleName = (role.node.defaultChild as iam.CfnRole).roleName!;
        if (Token.isUnresolved(roleName)) {
          throw new IrsaValidationError(this, 'invalid roleName: a GitOpsIrsaBinding writes the role ARN into YAML before deployment, so roleName must be a literal');
        }
        return `arn:${partitionOf(stack.region)}:iam::${stack.account}:role/${roleName}`;
      },
      manifestFactory: (manifestScope, manifestId, manifestProps) => {
        documents.push(manifestProps.manifest);
        return new Construct(manifestScope, manifestId);
      },
    }, { ...props, openIdConnectProvider: provider, isolatedManifest: true });

    const objects = documents.flat();
    if (objects.some(object => Token.isUnresolved(JSON.stringify(object)))) {
      throw new IrsaValidationError(this,
        'invalid props: the ServiceAccount YAML would hold deploy-time values; give namespace, serviceAccountName, labels and annotations as literals');
    }
    // namespaces first: a ServiceAccount cannot be created before its namespace
    objects.sort((a, b) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'));
    this.manifestYaml = Yaml.stringify(...objects);
    this.manifestFile = path.join('cdk-irsa', stack.artifactId, `${this.serviceAccountNamespace}.${this.serviceAccountName}.yaml`);

    this.node.addValidation({
      validate: () => {
        const outdir = Stage.of(this)?.outdir;
        if (outdir) {
          mkdirSync(path.join(outdir, path.dirname(this.manifestFile)), { recursive: true });
          writeFileSync(path.join(outdir, this.manifestFile), this.manifestYaml);
        }
        return [];
      },
    });
  }
}

const providersByIssuer = new WeakMap<IConstruct, Map<string, { provider: iam.OidcProviderNative; audiences: Set<string> }>>();

/** One native OIDC provider per issuer in the app: IAM refuses a second for the same URL. */
function providerForIssuer(binding: Construct, issuerUrl: string, audience: string): iam.IOpenIdConnectProvider {
  if (!Token.isUnresolved(issuerUrl)) {
    const url = /^https:\/\/([^/?#:]+)(\/[^?#]*)?$/.exec(issuerUrl);
    if (!url || issuerUrl.endsWith('/')) {
      throw new IrsaValidationError(binding,
        `invalid issuerUrl ${show(issuerUrl)}: an OIDC issuer URL starts with https://, has no port, query or trailing '/', e.g. "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"`);
    }
  }
  const root = binding.node.root;
  const registry = providersByIssuer.get(root) ?? new Map();
  providersByIssuer.set(root, registry);
  let entry = registry.get(issuerUrl);
  if (!entry) {
    const audiences = new Set<string>();
    const id = `IrsaOidcProvider${createHash('sha256').update(issuerUrl).digest('hex').slice(0, 8)}`;
    const provider = new iam.OidcProviderNative(Stack.of(binding), id, {
      url: issuerUrl,
      clientIds: Lazy.list({ produce: () => [...audiences] }),
    });
    entry = { provider, audiences };
    registry.set(issuerUrl, entry);
  }
  entry.audiences.add(audience);
  return entry.provider;
}

/** `irsa-<namespace>-<name>-<hash of the construct path>`, within IAM's 64 characters. */
function deterministicRoleName(binding: Construct, namespace: string, name: string): string {
  const hash = createHash('sha256').update(binding.node.path).digest('hex').slice(0, 8);
  const readable = `irsa-${namespace}-${name}`.slice(0, 64 - hash.length - 1).replace(/[^\w+=,.@-]/g, '-');
  return `${readable}-${hash}`;
}

function partitionOf(region: string): string {
  // aws-cdk-lib knows every region's partition; a region it does not know yet is most likely in aws
  return RegionInfo.get(region).partition ?? 'aws';
}
