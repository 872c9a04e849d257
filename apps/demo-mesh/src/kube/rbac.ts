import { loadAll } from 'js-yaml';

/** A subject as the API server names it: `system:serviceaccount:<ns>:<name>`. */
export type Subject = string;

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
}

interface RbacObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

const matches = (list: string[] | undefined, value: string) =>
  (list ?? []).includes(value) || (list ?? []).includes('*');

/**
 * Role-based access control as kube-apiserver's RBAC authorizer decides it,
 * for the verbs this read-only API serves: a ClusterRole bound by a
 * ClusterRoleBinding allows everywhere, a Role (or ClusterRole) bound by a
 * RoleBinding allows in the binding's namespace only.
 */
export class Rbac {
  private readonly objects: RbacObject[];

  constructor(yaml: string) {
    this.objects = (loadAll(yaml) as (RbacObject | null)[]).filter((o): o is RbacObject =>
      Boolean(o?.kind),
    );
  }

  private role(kind: string, name: string, namespace?: string): Rule[] {
    return (
      this.objects.find(
        (o) =>
          o.kind === kind &&
          o.metadata.name === name &&
          (kind === 'ClusterRole' || o.metadata.namespace === namespace),
      )?.rules ?? []
    );
  }

  private bound(o: RbacObject, subject: Subject): boolean {
    return (o.subjects ?? []).some(
      (s) =>
        s.kind === 'ServiceAccount' &&
        `system:serviceaccount:${s.namespace ?? o.metadata.namespace}:${s.name}` === subject,
    );
  }

  allows(
    subject: Subject,
    verb: string,
    group: string,
    resource: string,
    namespace: string | undefined,
  ): boolean {
    const grants = (rules: Rule[]) =>
      rules.some(
        (r) =>
          matches(r.verbs, verb) && matches(r.apiGroups, group) && matches(r.resources, resource),
      );
    for (const b of this.objects) {
      if (!this.bound(b, subject) || !b.roleRef) continue;
      if (b.kind === 'ClusterRoleBinding' && grants(this.role('ClusterRole', b.roleRef.name)))
        return true;
      if (
        b.kind === 'RoleBinding' &&
        namespace !== undefined &&
        namespace === b.metadata.namespace &&
        grants(this.role(b.roleRef.kind, b.roleRef.name, b.metadata.namespace))
      )
        return true;
    }
    return false;
  }
}

/** kube-apiserver's message for a denied request. */
export function forbiddenMessage(
  subject: Subject,
  verb: string,
  group: string,
  resource: string,
  namespace: string | undefined,
): string {
  return `${resource}${group ? `.${group}` : ''} is forbidden: User "${subject}" cannot ${verb} resource "${resource}" in API group "${group}" ${namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'}`;
}
