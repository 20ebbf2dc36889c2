import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IrsaBinding, IrsaBindingOptions } from '../src';
import { CfnEvaluator } from './support/cfn-eval';
import { importedCluster, newStack } from './support/fixtures';
import { deployedBinding } from './support/template';

/**
 * What CloudFormation and the kubectl handler do when a binding leaves the stack (or the stack is
 * deleted), read from the template:
 * - the role: deleted unless its DeletionPolicy keeps it;
 * - the ServiceAccount: its manifest is a custom resource; on Delete the kubectl handler runs
 *   `kubectl delete` on the manifest's objects, unless the manifest's DeletionPolicy keeps it, in
 *   which case CloudFormation never sends the Delete and the ServiceAccount stays in the cluster;
 * - a ServiceAccount removed from a shared manifest that stays: the manifest is updated with
 *   `kubectl apply --prune` on its prune label, which deletes the removed ServiceAccount.
 */
interface Policies {
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}
interface Lifecycle {
  readonly role: Policies;
  readonly manifest: Policies & { readonly Overwrite: boolean; readonly PruneLabel?: string };
  readonly manifestId: string;
}

function lifecycleOf(template: Template, bindingId: string): Lifecycle {
  const { roleId, manifestId } = deployedBinding(template, bindingId);
  const resources = template.toJSON().Resources;
  const policies = (resource: any) => ({ DeletionPolicy: resource.DeletionPolicy, UpdateReplacePolicy: resource.UpdateReplacePolicy });
  return {
    role: policies(resources[roleId]),
    manifest: {
      ...policies(resources[manifestId]),
      Overwrite: resources[manifestId].Properties.Overwrite,
      PruneLabel: resources[manifestId].Properties.PruneLabel,
    },
    manifestId,
  };
}

describe('on delete', () => {
  const cases: Array<[string, IrsaBindingOptions, Lifecycle['role'], string]> = [
    ['by default the role and the ServiceAccount are deleted', {}, { DeletionPolicy: undefined, UpdateReplacePolicy: undefined }, 'Delete'],
    ['RemovalPolicy.DESTROY deletes both', { removalPolicy: RemovalPolicy.DESTROY }, { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' }, 'Delete'],
    ['RemovalPolicy.RETAIN keeps both', { removalPolicy: RemovalPolicy.RETAIN }, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }, 'Retain'],
    ['RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE keeps both once created', {
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    }, { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' }, 'RetainExceptOnCreate'],
  ];

  test.each(cases)('%s', (_, options, role, manifestDeletion) => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), ...options });
    const lifecycle = lifecycleOf(Template.fromStack(stack), 'LedgerReader');

    // a role without DeletionPolicy is deleted: CloudFormation's default for AWS::IAM::Role
    expect(lifecycle.role).toEqual(role);
    expect(lifecycle.manifest.DeletionPolicy).toBe(manifestDeletion);
    // the role and its ServiceAccount always go (or stay) together
    expect(lifecycle.manifest.UpdateReplacePolicy).toBe(role.UpdateReplacePolicy ?? 'Delete');
  });

  test('fails when the removal policy is SNAPSHOT, which CloudFormation rejects for roles and custom resources', () => {
    const stack = newStack();
    expect(() => new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(/invalid removalPolicy "snapshot"/);
  });

  test('bindings that keep their ServiceAccount never share a manifest with bindings that delete theirs', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    for (let i = 0; i < 6; i++) {
      new IrsaBinding(stack, `Kept${i}`, { cluster, removalPolicy: RemovalPolicy.RETAIN });
      new IrsaBinding(stack, `Deleted${i}`, { cluster });
    }
    const template = Template.fromStack(stack);
    const kept = new Set(Array.from({ length: 6 }, (_, i) => lifecycleOf(template, `Kept${i}`).manifestId));
    const deleted = new Set(Array.from({ length: 6 }, (_, i) => lifecycleOf(template, `Deleted${i}`).manifestId));

    expect([...kept].filter(id => deleted.has(id))).toEqual([]);
    for (const id of kept) expect(template.toJSON().Resources[id].DeletionPolicy).toBe('Retain');
    for (const id of deleted) expect(template.toJSON().Resources[id].DeletionPolicy).toBe('Delete');
  });

  test('a binding removed from a shared manifest is pruned: the manifest stays, with its prune label, without the ServiceAccount', () => {
    const build = (ids: string[]) => {
      const stack = newStack();
      const cluster = importedCluster(stack);
      for (const id of ids) new IrsaBinding(stack, id, { cluster, namespace: 'apps' });
      return Template.fromStack(stack);
    };
    // find two bindings that share a manifest
    const many = build(Array.from({ length: 12 }, (_, i) => `Workload${i}`));
    const byManifest = new Map<string, string[]>();
    for (let i = 0; i < 12; i++) {
      const { manifestId } = lifecycleOf(many, `Workload${i}`);
      byManifest.set(manifestId, [...(byManifest.get(manifestId) ?? []), `Workload${i}`]);
    }
    const [manifestId, [kept, removed]] = [...byManifest.entries()].find(([, ids]) => ids.length >= 2)!;

    const before = lifecycleOf(build([kept, removed]), kept);
    const afterTemplate = build([kept]);
    const after = lifecycleOf(afterTemplate, kept);
    const objects = new CfnEvaluator(afterTemplate.toJSON()).evaluateDocument(afterTemplate.toJSON().Resources[after.manifestId].Properties.Manifest);

    expect(before.manifestId).toBe(manifestId);
    expect(after.manifestId).toBe(manifestId);
    expect(after.manifest.PruneLabel).toMatch(/^aws\.cdk\.eks\/prune-/);
    expect(objects.map((o: any) => o.metadata.name)).toEqual([kept.toLowerCase()]);
    expect(objects[0].metadata.labels).toHaveProperty([after.manifest.PruneLabel!]);
  });
});

describe('overwriteServiceAccount', () => {
  test.each([
    ['false (default): kubectl create fails on an existing ServiceAccount instead of taking it over', {}, false, 'Delete'],
    ['true: kubectl apply adopts an existing ServiceAccount, and deletes it with the binding', { overwriteServiceAccount: true }, true, 'Delete'],
    ['true with RemovalPolicy.RETAIN: adopts it and leaves it in the cluster on delete', {
      overwriteServiceAccount: true, removalPolicy: RemovalPolicy.RETAIN,
    }, true, 'Retain'],
  ] as Array<[string, IrsaBindingOptions, boolean, string]>)('%s', (_, options, overwrite, deletion) => {
    const stack = newStack();
    new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), ...options });
    const lifecycle = lifecycleOf(Template.fromStack(stack), 'LedgerReader');

    expect(lifecycle.manifest.Overwrite).toBe(overwrite);
    expect(lifecycle.manifest.DeletionPolicy).toBe(deletion);
  });

  test('changing overwriteServiceAccount or removalPolicy moves the ServiceAccount to another manifest', () => {
    const manifestOf = (options: IrsaBindingOptions) => {
      const stack = newStack();
      new IrsaBinding(stack, 'LedgerReader', { cluster: importedCluster(stack), ...options });
      return lifecycleOf(Template.fromStack(stack), 'LedgerReader').manifestId;
    };
    const ids = [
      manifestOf({}),
      manifestOf({ overwriteServiceAccount: true }),
      manifestOf({ removalPolicy: RemovalPolicy.RETAIN }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    // stating the default changes nothing
    expect(manifestOf({ removalPolicy: RemovalPolicy.DESTROY })).toBe(ids[0]);
  });

  test('an isolated manifest carries its own settings', () => {
    const stack = newStack();
    const binding = new IrsaBinding(stack, 'LedgerReader', {
      cluster: importedCluster(stack), isolatedManifest: true, overwriteServiceAccount: true, removalPolicy: RemovalPolicy.RETAIN,
    });
    const lifecycle = lifecycleOf(Template.fromStack(stack), 'LedgerReader');

    expect(binding.manifest.node.scope).toBe(binding);
    expect(lifecycle.manifestId).toMatch(/^LedgerReaderServiceAccount/);
    expect(lifecycle.manifest).toMatchObject({ Overwrite: true, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});
