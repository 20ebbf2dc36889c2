/**
 * Structural rules for a binding's trust policy, as IAM receives it (intrinsics evaluated): every
 * Allow statement lets exactly one OIDC provider call sts:AssumeRoleWithWebIdentity, and pins both
 * `<issuer>:sub` and `<issuer>:aud` of that provider's issuer with a plain `StringEquals` (not
 * `...IfExists`, not `ForAllValues:`, which pass when the key is missing) to literal values.
 * With `subjectFormat` (the default), each `sub` must also be `system:serviceaccount:<namespace>:<name>`.
 * Two opt-in shapes are accepted as well, each only in the exact form the binding renders: the
 * namespace-wide statement (`StringLike` on `sub` = `system:serviceaccount:<namespace>:*`, with
 * `aud` still pinned by `StringEquals`) and the EKS Pod Identity statement (the service
 * `pods.eks.amazonaws.com`, `sts:AssumeRole` and `sts:TagSession`).
 * Returns what breaks the rules, one line per problem; an empty list means none.
 */
export function trustPolicyProblems(trustPolicy: any, options: { subjectFormat?: boolean } = {}): string[] {
  const statements: any[] = [trustPolicy?.Statement ?? []].flat();
  if (statements.length === 0) return ['no statement'];
  const problems: string[] = [];
  statements.forEach((statement, index) => {
    const at = `statement ${index}`;
    if (statement.Effect !== 'Allow') return;
    if (statement.NotPrincipal !== undefined || statement.NotAction !== undefined) problems.push(`${at}: uses NotPrincipal or NotAction`);
    if (isPodIdentityStatement(statement)) return;
    const federated = [statement.Principal?.Federated].flat();
    const otherPrincipals = Object.keys(statement.Principal ?? {}).filter(k => k !== 'Federated');
    if (federated.length !== 1 || typeof federated[0] !== 'string' || otherPrincipals.length > 0) {
      problems.push(`${at}: principal is not exactly one federated provider: ${JSON.stringify(statement.Principal)}`);
      return;
    }
    const actions = [statement.Action].flat();
    if (actions.length !== 1 || actions[0] !== 'sts:AssumeRoleWithWebIdentity') {
      problems.push(`${at}: actions are ${JSON.stringify(statement.Action)}, not only sts:AssumeRoleWithWebIdentity`);
    }
    const issuer = federated[0].split(':oidc-provider/')[1];
    if (!issuer) {
      problems.push(`${at}: principal ${federated[0]} is not an OIDC provider ARN`);
      return;
    }
    const equals = statement.Condition?.StringEquals ?? {};
    if (isNamespaceWideStatement(statement, issuer)) return;
    for (const claim of ['sub', 'aud']) {
      const values = [equals[`${issuer}:${claim}`]].flat();
      if (values.length === 0 || values.some(v => typeof v !== 'string' || v.length === 0 || /[*?$]/.test(v))) {
        problems.push(`${at}: ${issuer}:${claim} is not pinned by StringEquals to literal values: ${JSON.stringify(statement.Condition)}`);
      }
    }
    const subjects = [equals[`${issuer}:sub`]].flat();
    if ((options.subjectFormat ?? true) && subjects.some(s => typeof s === 'string' && !/^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(s))) {
      problems.push(`${at}: sub ${JSON.stringify(subjects)} is not system:serviceaccount:<namespace>:<name>`);
    }
  });
  if (!statements.some(s => s.Effect === 'Allow')) problems.push('no Allow statement');
  return problems;
}

function isPodIdentityStatement(statement: any): boolean {
  return JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'pods.eks.amazonaws.com' })
    && JSON.stringify([statement.Action].flat().sort()) === JSON.stringify(['sts:AssumeRole', 'sts:TagSession'])
    && statement.Condition === undefined;
}

function isNamespaceWideStatement(statement: any, issuer: string): boolean {
  const conditions = statement.Condition ?? {};
  const patterns = [conditions.StringLike?.[`${issuer}:sub`]].flat();
  const audiences = [conditions.StringEquals?.[`${issuer}:aud`]].flat();
  return JSON.stringify(Object.keys(conditions).sort()) === JSON.stringify(['StringEquals', 'StringLike'])
    && Object.keys(conditions.StringLike).length === 1
    && Object.keys(conditions.StringEquals).length === 1
    && patterns.length > 0 && patterns.every(p => typeof p === 'string' && /^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:\*$/.test(p))
    && audiences.length > 0 && audiences.every(a => typeof a === 'string' && a.length > 0 && !/[*?$]/.test(a));
}
