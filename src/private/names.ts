import { createHash } from 'crypto';

const MAX_SUBDOMAIN_LENGTH = 253;

/**
 * A DNS-1123 subdomain derived from a construct id, e.g. `LedgerReader` -> `ledger-reader`.
 * Deterministic, so a redeploy never renames (and so never orphans) a ServiceAccount.
 */
export function serviceAccountNameFromId(id: string): string {
  const kebab = id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SUBDOMAIN_LENGTH)
    .replace(/^-+|-+$/g, '');
  if (kebab) return kebab;
  // an id made only of symbols: fall back to a stable hash of it
  return `irsa-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
}
