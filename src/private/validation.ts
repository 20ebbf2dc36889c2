import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { DEFAULT_TRUST_POLICY_SIZE_QUOTA, MAX_TRUST_POLICY_SIZE_QUOTA, measureTrustPolicy } from './trust-policy-size';

/**
 * Raised for props that would fail at deploy time; thrown while the app is built so the
 * user sees the construct path, the prop, the value and the rule at `cdk synth`.
 */
export class IrsaValidationError extends Error {
  constructor(scope: IConstruct, message: string) {
    super(`${scope.node.path}: ${message}`);
    this.name = 'ValidationError';
  }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Shows a value in an error message: quoted, so whitespace and empty strings are visible. */
export function show(value: string): string {
  return JSON.stringify(value);
}

/** A DNS-1123 label suggestion for a rejected name, or nothing if none can be made. */
function suggestLabel(value: string, maxLength: number): string | undefined {
  const suggestion = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, maxLength).replace(/-+$/, '');
  return suggestion && suggestion !== value ? suggestion : undefined;
}

function withSuggestion(message: string, suggestion: string | undefined): string {
  return suggestion ? `${message}; try ${show(suggestion)}` : message;
}

export function validateNamespace(scope: IConstruct, namespace: string, prop: string = 'namespace'): void {
  if (Token.isUnresolved(namespace)) return;
  if (namespace.length < 1 || namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    throw new IrsaValidationError(scope, withSuggestion(
      `invalid ${prop} ${show(namespace)}: a namespace must be a DNS-1123 label of 1-63 characters, lowercase alphanumerics or '-', starting and ending with an alphanumeric`,
      suggestLabel(namespace, 63)));
  }
}

export function validateServiceAccountName(scope: IConstruct, name: string, prop: string = 'serviceAccountName'): void {
  if (Token.isUnresolved(name)) return;
  if (name.length < 1 || name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    throw new IrsaValidationError(scope, withSuggestion(
      `invalid ${prop} ${show(name)}: a service account name must be a DNS-1123 subdomain of 1-253 characters, lowercase alphanumerics, '-' or '.', starting and ending with an alphanumeric`,
      suggestLabel(name, 253)));
  }
}

export function validateAudience(scope: IConstruct, audience: string): void {
  if (Token.isUnresolved(audience)) return;
  if (audience.length < 1 || audience.length > 255 || /\s/.test(audience)) {
    throw new IrsaValidationError(scope,
      `invalid audience ${show(audience)}: an audience (OIDC client id) must be 1-255 characters without whitespace, usually "sts.amazonaws.com"`);
  }
}

const ROLE_NAME = /^[\w+=,.@-]+$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$/;
/** Kubernetes' limit on all annotations of one object, keys and values together. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
/**
 * The longest role ARN annotation the binding can add: `arn:aws-us-gov:iam::<12 digits>:role/` and a
 * name of 64 characters (a binding's role has no path).
 */
const MAX_ROLE_ARN_LENGTH = 'arn:aws-us-gov:iam::123456789012:role/'.length + 64;

export function validateRoleName(scope: IConstruct, roleName: string | undefined): void {
  if (roleName === undefined || Token.isUnresolved(roleName)) return;
  if (roleName.length < 1 || roleName.length > 64 || !ROLE_NAME.test(roleName)) {
    const suggestion = roleName.replace(/[^\w+=,.@-]+/g, '-').slice(0, 64);
    throw new IrsaValidationError(scope, withSuggestion(
      `invalid roleName ${show(roleName)} (${roleName.length} characters): an IAM role name must be 1-64 characters, alphanumerics or any of '_+=,.@-'`,
      suggestion && suggestion !== roleName ? suggestion : undefined));
  }
}

export function validateMaxSessionDuration(scope: IConstruct, duration: Duration | undefined): void {
  if (duration === undefined || duration.isUnresolved()) return;
  const millis = duration.toMilliseconds({ integral: false });
  if (millis < 3600 * 1000 || millis > 43200 * 1000 || millis % 1000 !== 0) {
    throw new IrsaValidationError(scope,
      `invalid maxSessionDuration ${show(duration.toString())} (${millis / 1000} seconds): a role's maximum session duration must be a whole number of seconds from 3600 (1 hour) to 43200 (12 hours); use e.g. Duration.hours(1) to Duration.hours(12)`);
  }
}

export function validateRemovalPolicy(scope: IConstruct, removalPolicy: RemovalPolicy | undefined): void {
  if (removalPolicy === RemovalPolicy.SNAPSHOT) {
    throw new IrsaValidationError(scope,
      `invalid removalPolicy ${show(removalPolicy)}: neither an IAM role nor a Kubernetes manifest can be snapshotted, and CloudFormation rejects the template; use RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE`);
  }
}

/**
 * Why a label or annotation key is not a Kubernetes qualified name (an optional DNS-1123
 * subdomain prefix of at most 253 characters and `/`, then a name of 1-63 characters), if it is not.
 */
function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a key has at most one \'/\'';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length < 1 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return 'the prefix before \'/\' must be a DNS-1123 subdomain of 1-253 characters, lowercase alphanumerics, \'-\' or \'.\', starting and ending with an alphanumeric';
  }
  if (name.length < 1 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return `the name${prefix !== undefined ? ' after \'/\'' : ''} must be 1-63 characters, alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  }
  return undefined;
}

/** Shows a possibly long value: its start and end around its length. */
function showLong(value: string): string {
  return value.length <= 80 ? show(value) : `${show(value.slice(0, 40))}...${show(value.slice(-20))} (${value.length} characters)`;
}

export function validateLabels(scope: IConstruct, labels: Record<string, string> | undefined): void {
  if (labels === undefined || Token.isUnresolved(labels)) return;
  for (const [key, value] of Object.entries(labels)) {
    if (Token.isUnresolved(key)) continue;
    const problem = qualifiedNameProblem(key);
    if (problem) {
      throw new IrsaValidationError(scope,
        `invalid labels: key ${showLong(key)} is not a Kubernetes qualified name: ${problem}; rename the key, e.g. "app.kubernetes.io/name"`);
    }
    if (Token.isUnresolved(value)) continue;
    if (typeof value !== 'string' || value.length > 63 || (value.length > 0 && !QUALIFIED_NAME.test(value))) {
      throw new IrsaValidationError(scope,
        `invalid labels: value ${showLong(String(value))} of ${show(key)} is not a valid label value: it must be empty or 1-63 characters, alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric; put free text into an annotation instead`);
    }
  }
}

export function validateAnnotations(scope: IConstruct, annotations: Record<string, string> | undefined, reservedKey: string): void {
  if (annotations === undefined || Token.isUnresolved(annotations)) return;
  if (reservedKey in annotations) {
    throw new IrsaValidationError(scope,
      `invalid annotations: ${show(reservedKey)} is set by the binding to its role; remove it from annotations or pass the role's permissions to the binding instead`);
  }
  // the binding adds the role ARN annotation: count it at its longest
  let total = Buffer.byteLength(reservedKey) + MAX_ROLE_ARN_LENGTH;
  for (const [key, value] of Object.entries(annotations)) {
    if (Token.isUnresolved(key)) continue;
    const problem = qualifiedNameProblem(key);
    if (problem) {
      throw new IrsaValidationError(scope,
        `invalid annotations: key ${showLong(key)} is not a Kubernetes qualified name: ${problem}; rename the key, e.g. "example.com/owner"`);
    }
    if (typeof value !== 'string' && !Token.isUnresolved(value)) {
      throw new IrsaValidationError(scope, `invalid annotations: value of ${show(key)} is not a string; pass a string`);
    }
    total += Buffer.byteLength(key) + (Token.isUnresolved(value) ? 0 : Buffer.byteLength(value));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
    throw new IrsaValidationError(scope,
      `invalid annotations: keys and values take ${total} bytes with the role ARN annotation, over Kubernetes' limit of ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes (256 KiB) for all annotations of an object; move large data into a ConfigMap`);
  }
}

/** The ServiceAccounts bound in each app, per cluster: `<namespace>/<name>` to the binding's path. */
const boundServiceAccounts = new WeakMap<IConstruct, WeakMap<IConstruct, Map<string, string>>>();

/**
 * Records that `scope` binds a ServiceAccount of `cluster`, and fails if another binding of the
 * same app already binds it: two bindings would fight over its role annotation.
 */
export function registerServiceAccount(scope: IConstruct, cluster: IConstruct, namespace: string, name: string): void {
  if (Token.isUnresolved(namespace) || Token.isUnresolved(name)) return;
  const root = scope.node.root;
  let clusters = boundServiceAccounts.get(root);
  if (!clusters) {
    clusters = new WeakMap();
    boundServiceAccounts.set(root, clusters);
  }
  let accounts = clusters.get(cluster);
  if (!accounts) {
    accounts = new Map();
    clusters.set(cluster, accounts);
  }
  const id = `${namespace}/${name}`;
  const existing = accounts.get(id);
  if (existing !== undefined) {
    throw new IrsaValidationError(scope,
      `invalid serviceAccountName ${show(name)} in namespace ${show(namespace)}: service account ${show(id)} of cluster ${cluster.node.path} is already bound by ${existing}, and one ServiceAccount can carry one role; grant both workloads' permissions to ${existing}, or give this binding another namespace or serviceAccountName`);
  }
  accounts.set(id, scope.node.path);
}

export function validateTrustPolicySizeQuota(scope: IConstruct, quota: number | undefined): void {
  if (quota === undefined || Token.isUnresolved(quota)) return;
  if (!Number.isInteger(quota) || quota < DEFAULT_TRUST_POLICY_SIZE_QUOTA || quota > MAX_TRUST_POLICY_SIZE_QUOTA) {
    throw new IrsaValidationError(scope,
      `invalid trustPolicySizeQuota ${quota}: IAM's quota on a role's trust policy length is ${DEFAULT_TRUST_POLICY_SIZE_QUOTA} characters by default and can be raised to at most ${MAX_TRUST_POLICY_SIZE_QUOTA}; pass a whole number from ${DEFAULT_TRUST_POLICY_SIZE_QUOTA} to ${MAX_TRUST_POLICY_SIZE_QUOTA}, the quota of the target account`);
  }
}

export interface TrustPolicySizeValidationProps {
  /** The role whose trust policy (`assumeRolePolicy`) is measured when the app is synthesized. */
  readonly role: iam.Role;
  /** The OIDC providers the role trusts: their ARNs and issuers are counted at their deployed length. */
  readonly providers: iam.IOpenIdConnectProvider[];
  /** @default DEFAULT_TRUST_POLICY_SIZE_QUOTA */
  readonly quota?: number;
  /** The `sub` values (and patterns) the role trusts through OIDC, to say how many would fit. */
  readonly subjects?: string[];
}

/**
 * Fails synthesis when the role's trust policy is longer than IAM's quota. Measured when the app is
 * synthesized, so statements added to `role.assumeRolePolicy` after the binding are counted too.
 */
export function addTrustPolicySizeValidation(scope: IConstruct, props: TrustPolicySizeValidationProps): void {
  scope.node.addValidation({
    validate: () => {
      const document = props.role.assumeRolePolicy;
      if (!document || document.isEmpty || (props.quota !== undefined && Token.isUnresolved(props.quota))) return [];
      const stack = Stack.of(props.role);
      const rendered = stack.resolve(stack.toJsonString(document));
      const quota = props.quota ?? DEFAULT_TRUST_POLICY_SIZE_QUOTA;
      const measured = measureTrustPolicy(rendered, {
        region: Token.isUnresolved(stack.region) ? undefined : stack.region,
        account: Token.isUnresolved(stack.account) ? undefined : stack.account,
        providerArns: props.providers.map(p => stack.resolve(p.openIdConnectProviderArn)),
        issuers: props.providers.map(p => stack.resolve(p.openIdConnectProviderIssuer)),
      });
      if (measured.size <= quota) return [];
      const counted = measured.region === undefined ? ''
        : measured.regionKnown
          ? `, counting the deploy-time issuer at its length in the stack's region ${measured.region}`
          : `, counting the deploy-time issuer at its longest, in ${measured.region} (give the stack a region to count it exactly)`;
      const uncounted = measured.uncounted > 0 ? `, plus ${measured.uncounted} deploy-time value(s) not counted` : '';
      const fit = subjectsThatFit(props.subjects ?? [], measured.size - quota);
      return [`invalid trust policy of ${props.role.node.path}: it is ${measured.size} characters without whitespace${counted}${uncounted}, over the quota of ${quota} (trustPolicySizeQuota), and IAM would reject it with LimitExceeded (ACLSizePerRole)${fit}; trust fewer subjects per role, or raise the IAM quota "Role trust policy length" (L-C07B4B0D, at most ${MAX_TRUST_POLICY_SIZE_QUOTA}) and set trustPolicySizeQuota to it`];
    },
  });
}

/** `, about N of the M trusted subjects fit`, from the characters each subject takes in the document. */
function subjectsThatFit(subjects: string[], excess: number): string {
  const literal = subjects.filter(subject => !Token.isUnresolved(subject));
  if (literal.length < 2) return '';
  // a subject is a quoted string and a comma in a StringEquals/StringLike list
  const perSubject = literal.reduce((sum, subject) => sum + subject.length + 3, 0) / literal.length;
  const fit = Math.max(0, subjects.length - Math.ceil(excess / perSubject));
  return `; about ${fit} of its ${subjects.length} trusted subjects fit`;
}
