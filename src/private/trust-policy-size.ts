import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * IAM's quota on the length of a role's trust policy, counted without whitespace: 2,048 characters
 * by default, raisable to 4,096 (service quota L-C07B4B0D, "Role trust policy length").
 */
export const DEFAULT_TRUST_POLICY_SIZE_QUOTA = 2048;
export const MAX_TRUST_POLICY_SIZE_QUOTA = 4096;

/** Length of the id at the end of an EKS issuer: `oidc.eks.<region>.<suffix>/id/<32 hex>`. */
const EKS_ISSUER_ID_LENGTH = 32;
const ACCOUNT_ID_LENGTH = 12;

/** Partitions whose EKS issuers are documented as `oidc.eks.<region>.amazonaws.com[.cn]`. */
const EKS_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'];

/**
 * A rendered trust policy: the JSON text that IAM receives, either literal or, when a value is
 * only known at deploy time, CloudFormation's `{ "Fn::Join": ["", [text, intrinsic, text, ...]] }`.
 */
export type RenderedPolicy = string | { 'Fn::Join': [string, any[]] };

export interface TrustPolicySizeOptions {
  /** The stack's region, when it is known at synth time. */
  readonly region?: string;
  /** The stack's account, when it is known at synth time. */
  readonly account?: string;
  /**
   * Deploy-time values whose text is known to be a provider ARN or an issuer, e.g. the resolved
   * `openIdConnectProviderArn` and `openIdConnectProviderIssuer` of the trusted providers. Issuers
   * written as `Fn::Select [1, Fn::Split [":oidc-provider/", <ARN>]]` are recognised without help.
   */
  readonly providerArns?: any[];
  readonly issuers?: any[];
}

export interface TrustPolicySize {
  /** Characters IAM counts: the document without whitespace. */
  readonly size: number;
  /** The region whose issuer length was used for deploy-time issuers and ARNs, if any was needed. */
  readonly region?: string;
  /** Whether `region` is the stack's own region (exact) or the worst case over all regions. */
  readonly regionKnown: boolean;
  /** Deploy-time values that are neither an issuer, a provider ARN nor a pseudo parameter: not counted. */
  readonly uncounted: number;
}

/**
 * Measures a rendered trust policy as IAM does: its JSON text without whitespace. Deploy-time
 * values are counted at the length they will have once deployed: an EKS issuer
 * (`oidc.eks.<region>.<domain suffix>/id/<32 hex>`), a provider ARN
 * (`arn:<partition>:iam::<account>:oidc-provider/<issuer>`) and pseudo parameters. With the stack's
 * region known that length is exact; otherwise the longest region of the partitions that EKS
 * documents for IRSA is assumed. Works for any number of statements and providers.
 */
export function measureTrustPolicy(rendered: RenderedPolicy, options: TrustPolicySizeOptions = {}): TrustPolicySize {
  const parts = typeof rendered === 'string' ? [rendered] : joinedParts(rendered);
  const literal = parts.filter((p): p is string => typeof p === 'string').reduce((sum, p) => sum + withoutWhitespace(p).length, 0);
  const intrinsics = parts.filter(p => typeof p !== 'string');
  if (intrinsics.length === 0) {
    return { size: literal, regionKnown: options.region !== undefined, uncounted: 0 };
  }

  const arns = new Set<string>((options.providerArns ?? []).map(key));
  const issuers = new Set<string>((options.issuers ?? []).map(key));
  for (const intrinsic of intrinsics) {
    const source = issuerSourceArn(intrinsic);
    if (source !== undefined) arns.add(key(source));
  }

  const candidates = options.region !== undefined ? [regionFacts(options.region)] : worstCaseRegions();
  let worst: { size: number; region: string; uncounted: number } | undefined;
  for (const facts of candidates) {
    let size = literal;
    let uncounted = 0;
    for (const intrinsic of intrinsics) {
      const length = deployedLength(intrinsic, facts, options.account, arns, issuers);
      if (length === undefined) uncounted++;
      else size += length;
    }
    if (!worst || size > worst.size) worst = { size, region: facts.name, uncounted };
  }
  return { size: worst!.size, region: worst!.region, regionKnown: options.region !== undefined, uncounted: worst!.uncounted };
}

function joinedParts(rendered: { 'Fn::Join': [string, any[]] }): any[] {
  const join = rendered['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) {
    throw new Error(`cannot measure a trust policy rendered as ${JSON.stringify(rendered)}`);
  }
  return join[1];
}

function withoutWhitespace(text: string): string {
  return text.replace(/\s+/g, '');
}

function key(value: any): string {
  return JSON.stringify(value);
}

interface RegionFacts {
  readonly name: string;
  readonly partition: string;
  readonly domainSuffix: string;
}

function regionFacts(region: string): RegionFacts {
  const info = RegionInfo.get(region);
  return {
    name: region,
    partition: info.partition ?? 'aws',
    domainSuffix: info.domainSuffix ?? (region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'),
  };
}

function worstCaseRegions(): RegionFacts[] {
  return RegionInfo.regions
    .filter(info => info.partition !== undefined && EKS_PARTITIONS.includes(info.partition))
    .map(info => regionFacts(info.name));
}

function issuerLength(facts: RegionFacts): number {
  return `oidc.eks.${facts.name}.${facts.domainSuffix}/id/`.length + EKS_ISSUER_ID_LENGTH;
}

function providerArnLength(facts: RegionFacts, account: string | undefined): number {
  return `arn:${facts.partition}:iam::`.length + (account?.length ?? ACCOUNT_ID_LENGTH) + ':oidc-provider/'.length + issuerLength(facts);
}

/** The ARN that `Fn::Select [1, Fn::Split [":oidc-provider/", ARN]]` takes the issuer from. */
function issuerSourceArn(intrinsic: any): any | undefined {
  const select = intrinsic?.['Fn::Select'];
  if (!Array.isArray(select) || Number(select[0]) !== 1) return undefined;
  const split = select[1]?.['Fn::Split'];
  return Array.isArray(split) && split[0] === ':oidc-provider/' ? split[1] : undefined;
}

function deployedLength(
  intrinsic: any, facts: RegionFacts, account: string | undefined, arns: Set<string>, issuers: Set<string>,
): number | undefined {
  if (issuerSourceArn(intrinsic) !== undefined || issuers.has(key(intrinsic))) return issuerLength(facts);
  if (arns.has(key(intrinsic))) return providerArnLength(facts, account);
  switch (intrinsic?.Ref) {
    case 'AWS::AccountId': return account?.length ?? ACCOUNT_ID_LENGTH;
    case 'AWS::Partition': return facts.partition.length;
    case 'AWS::Region': return facts.name.length;
    case 'AWS::URLSuffix': return facts.domainSuffix.length;
    default: return undefined;
  }
}
