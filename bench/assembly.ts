import { readFileSync, statSync } from 'fs';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';

/** CloudFormation's per-stack resource limit. */
export const MAX_RESOURCES = 500;
/** CloudFormation's template body limit when read from S3 (aws-cdk-lib's own TEMPLATE_BODY_MAXIMUM_SIZE). */
export const MAX_TEMPLATE_BYTES = 1_000_000;
/** CloudFormation's limit for a template passed in the request (`TemplateBody`) rather than from S3. */
export const MAX_INLINE_TEMPLATE_BYTES = 51_200;
/**
 * The request limit that the kubectl handler's payload is held to here: 256 KiB. On an update the
 * request carries the manifest twice (`ResourceProperties` and `OldResourceProperties`).
 */
export const MAX_MANIFEST_REQUEST_BYTES = 256 * 1024;
/** The longest ARN of a role with the default path: `arn:aws:iam::<12 digits>:role/` and a name of up to 64 characters. */
const MAX_ROLE_ARN_LENGTH = 'arn:aws:iam::123456789012:role/'.length + 64;

export const KUBECTL_MANIFEST = 'Custom::AWSCDK-EKS-KubernetesResource';

/** A resource type whose create/update/delete is handled by a Lambda function (or SNS topic) of ours. */
export function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

export interface TemplateFigures {
  /** File name in the cloud assembly. */
  readonly file: string;
  readonly bytes: number;
  readonly resources: number;
}

/** What a synthesized stack costs, read from the files of the cloud assembly. */
export interface StackFigures {
  /** The stack's own template first, then its nested stacks' templates, depth first. */
  readonly templates: TemplateFigures[];
  /** Resources in the stack's own template: what CloudFormation's 500-resource limit counts. */
  readonly resources: number;
  /** Resources in all templates, nested stacks included. */
  readonly resourcesAllTemplates: number;
  /** Bytes of all templates as written to the cloud assembly. */
  readonly bytes: number;
  /** Bytes of the stack's own template. */
  readonly stackTemplateBytes: number;
  /** The largest resource count and size of any one template: each template has its own limits. */
  readonly maxTemplateResources: number;
  readonly maxTemplateBytes: number;
  /** Custom resources (`Custom::*`, `AWS::CloudFormation::CustomResource`) in all templates. */
  readonly customResources: number;
  /** `Custom::AWSCDK-EKS-KubernetesResource` in all templates. */
  readonly kubectlManifests: number;
  /**
   * The largest `Manifest` property of a kubectl manifest, in bytes of its template JSON: the kubectl
   * handler receives it in its request (twice on updates), which has a size limit of its own.
   */
  readonly maxManifestBytes: number;
  /**
   * The largest `Manifest` once deployed: the length of the string the kubectl handler receives,
   * JSON-escaped as in its request, with every role ARN taken at its longest (an upper bound for
   * the ARNs that CloudFormation generates; other intrinsics count as their template JSON).
   */
  readonly maxManifestResolvedBytes: number;
  /** The most Kubernetes objects in one kubectl manifest: what one failing apply takes down with it. */
  readonly maxManifestObjects: number;
  /** `AWS::Lambda::Function` in all templates. */
  readonly lambdaFunctions: number;
  /** Resource counts by type, all templates. */
  readonly types: Record<string, number>;
  /** Custom resources, as `<template file>#<logical id>`. */
  readonly customResourceIds: string[];
  /**
   * Custom resources that some role's trust policy (`AssumeRolePolicyDocument`) depends on,
   * directly or through other resources of the same template, as `<template file>#<logical id>`.
   */
  readonly trustCustomResourceIds: string[];
}

/**
 * Reads the templates of a stack, and of its nested stacks, from a synthesized cloud assembly.
 * Nested templates are found from the `TemplateURL` of each `AWS::CloudFormation::Stack` and the
 * asset manifest, whatever created them.
 */
export function readStack(assembly: cxapi.CloudAssembly, stackName: string): StackFigures {
  const artifact = assembly.getStackByName(stackName);
  const fileAssets = artifact.dependencies
    .filter(cxapi.AssetManifestArtifact.isAssetManifestArtifact)
    .flatMap(manifest => Object.values(manifest.contents.files ?? {}));

  const templates: Array<{ file: string; template: any }> = [];
  const visit = (file: string) => {
    const template = JSON.parse(readFileSync(path.join(assembly.directory, file), 'utf-8'));
    templates.push({ file, template });
    for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
      const url = JSON.stringify(resource.Properties?.TemplateURL ?? '');
      const asset = fileAssets.find(a => Object.values(a.destinations).some(d => url.includes(d.objectKey)));
      if (!asset?.source.path) {
        throw new Error(`${file}: cannot find the template of nested stack ${id} (TemplateURL ${url}) in the asset manifest`);
      }
      visit(asset.source.path);
    }
  };
  visit(path.relative(assembly.directory, artifact.templateFullPath));

  const types: Record<string, number> = {};
  const customResourceIds: string[] = [];
  const trustCustomResourceIds = new Set<string>();
  let maxManifestBytes = 0;
  let maxManifestResolvedBytes = 0;
  let maxManifestObjects = 0;
  const figures: TemplateFigures[] = templates.map(({ file, template }) => {
    const resources: Record<string, any> = template.Resources ?? {};
    for (const [id, resource] of Object.entries(resources)) {
      types[resource.Type] = (types[resource.Type] ?? 0) + 1;
      if (isCustomResource(resource.Type)) customResourceIds.push(`${file}#${id}`);
      if (resource.Type === KUBECTL_MANIFEST) {
        const manifest = resource.Properties?.Manifest ?? '';
        maxManifestBytes = Math.max(maxManifestBytes, Buffer.byteLength(JSON.stringify(manifest)));
        maxManifestResolvedBytes = Math.max(maxManifestResolvedBytes, resolvedLength(manifest, resources));
        maxManifestObjects = Math.max(maxManifestObjects, literalText(manifest).match(/"kind":"/g)?.length ?? 0);
      }
    }
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      for (const id of dependenciesOf(resource.Properties?.AssumeRolePolicyDocument, resources)) {
        if (isCustomResource(resources[id].Type)) trustCustomResourceIds.add(`${file}#${id}`);
      }
    }
    return {
      file,
      bytes: statSync(path.join(assembly.directory, file)).size,
      resources: Object.keys(resources).length,
    };
  });

  const count = (predicate: (type: string) => boolean) =>
    Object.entries(types).filter(([type]) => predicate(type)).reduce((sum, [, n]) => sum + n, 0);
  return {
    templates: figures,
    resources: figures[0].resources,
    resourcesAllTemplates: figures.reduce((sum, t) => sum + t.resources, 0),
    bytes: figures.reduce((sum, t) => sum + t.bytes, 0),
    stackTemplateBytes: figures[0].bytes,
    maxTemplateResources: Math.max(...figures.map(t => t.resources)),
    maxTemplateBytes: Math.max(...figures.map(t => t.bytes)),
    customResources: count(isCustomResource),
    kubectlManifests: count(type => type === KUBECTL_MANIFEST),
    maxManifestBytes,
    maxManifestResolvedBytes,
    maxManifestObjects,
    lambdaFunctions: count(type => type === 'AWS::Lambda::Function'),
    types,
    customResourceIds,
    trustCustomResourceIds: [...trustCustomResourceIds].sort(),
  };
}

/**
 * Bytes of a string-valued template expression once CloudFormation has resolved it, JSON-escaped
 * (as in a custom resource request): literal parts exactly, the ARN of a role of the template at
 * its longest, anything else as long as its template JSON.
 */
export function resolvedLength(value: any, resources: Record<string, any>): number {
  if (typeof value === 'string') return Buffer.byteLength(JSON.stringify(value)) - 2;
  const join = value?.['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts: any[] = join[1];
    return parts.reduce((sum: number, part) => sum + resolvedLength(part, resources), 0)
      + Math.max(0, parts.length - 1) * resolvedLength(join[0], resources);
  }
  const getAtt = value?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn' && resources[getAtt[0]]?.Type === 'AWS::IAM::Role') return MAX_ROLE_ARN_LENGTH;
  return Buffer.byteLength(JSON.stringify(value));
}

/** The literal text of a string-valued template expression (the strings of an `Fn::Join`, joined), without what intrinsics add. */
function literalText(value: any): string {
  if (typeof value === 'string') return value;
  const join = value?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) return join[1].map(literalText).join('');
  return '';
}

/** Logical ids of the resources a value refers to, and of those they refer to, within one template. */
export function dependenciesOf(value: any, resources: Record<string, any>): Set<string> {
  const found = new Set<string>();
  const pending = [...referencesIn(value)];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (found.has(id) || !(id in resources)) continue;
    found.add(id);
    const { Properties, Condition } = resources[id];
    pending.push(...referencesIn({ Properties, Condition }));
  }
  return found;
}

/** Logical ids named by `Ref`, `Fn::GetAtt` and `Fn::Sub` in a template value (parameters and pseudo parameters included). */
export function referencesIn(value: any): string[] {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value === null || typeof value !== 'object') return [];
  const refs: string[] = [];
  for (const [key, arg] of Object.entries(value)) {
    if (key === 'Ref' && typeof arg === 'string') {
      refs.push(arg);
    } else if (key === 'Fn::GetAtt') {
      const target = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
      if (typeof target === 'string') refs.push(target);
      else refs.push(...referencesIn(arg));
    } else if (key === 'Fn::Sub') {
      const [text, variables] = Array.isArray(arg) ? arg : [arg, {}];
      if (typeof text === 'string') {
        for (const match of text.matchAll(/\$\{([^}!.]+)[^}]*\}/g)) {
          if (!(variables && match[1] in variables)) refs.push(match[1]);
        }
      }
      refs.push(...referencesIn(variables));
    } else {
      refs.push(...referencesIn(arg));
    }
  }
  return refs;
}
