import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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
