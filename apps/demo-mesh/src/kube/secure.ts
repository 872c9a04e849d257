import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { forbiddenMessage, Rbac, type Subject } from './rbac';
import { parseResourcePath } from './server';
import { status } from './status';
import { parseTapPath, tapForbidden } from '../tap/tap-api';

/** Where a pod's service-account volume is mounted; a prefix lays it out under a test folder. */
export const SERVICE_ACCOUNT_PATH = 'var/run/secrets/kubernetes.io/serviceaccount';

export interface SecureKubeApiOptions {
  /** The plain handler of the API (discovery, list, get, watch). */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** ClusterRoles, Roles and their bindings, as YAML documents (e.g. deploy/'s). */
  rbacYaml: string;
  /** Service accounts to mount, `namespace/name`. */
  serviceAccounts: string[];
  stateDir: string;
  /** How long a token stays valid after it is rotated away, as a bound token until its expiry. */
  rotatedTokenGraceMs?: number;
}

export interface SecureKubeApi {
  /** `https://127.0.0.1:PORT`, for `KUBERNETES_SERVICE_HOST` and `_PORT`. */
  host: string;
  port: number;
  /** The folder to prefix the service-account mount path with, per `namespace/name`. */
  mountRoot(serviceAccount: string): string;
  /** Writes a new token for the account, as the kubelet does; the old one stays valid a while. */
  rotateToken(serviceAccount: string): void;
  /** Ends the validity of every rotated-away token now. */
  expireRotatedTokens(): void;
  /** Requests refused, as `403 <subject> <verb> <resource>` or `401`, for tests to check. */
  readonly refused: string[];
  stop(): Promise<void>;
}

/**
 * The Kubernetes API as a pod reaches it: HTTPS with the cluster's own CA,
 * service-account bearer tokens (written as in a pod's mount, and rotated),
 * and RBAC enforced from the given roles, with kube-apiserver's Forbidden and
 * Unauthorized answers.
 */
export async function startSecureKubeApi(options: SecureKubeApiOptions): Promise<SecureKubeApi> {
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'demo-mesh-ca' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const serving = await selfsigned.generate([{ name: 'commonName', value: 'kube-apiserver' }], {
    keySize: 2048,
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: 'kubernetes.default.svc' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const rbac = new Rbac(options.rbacYaml);
  const grace = options.rotatedTokenGraceMs ?? 60 * 60_000;
  /** token -> subject and, once rotated away, when it stops being valid. */
  const tokens = new Map<string, { subject: Subject; until?: number }>();
  const current = new Map<string, string>();
  const refused: string[] = [];
  const root = (sa: string) => join(options.stateDir, 'pods', sa.replace('/', '_'));

  const issue = (sa: string) => {
    const [namespace = '', name = ''] = sa.split('/');
    const old = current.get(sa);
    if (old)
      tokens.set(old, { subject: tokens.get(old)?.subject ?? '', until: Date.now() + grace });
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, { subject: `system:serviceaccount:${namespace}:${name}` });
    current.set(sa, token);
    const dir = join(root(sa), SERVICE_ACCOUNT_PATH);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ca.crt'), ca.cert);
    writeFileSync(join(dir, 'namespace'), namespace);
    writeFileSync(join(dir, 'token'), token);
  };
  for (const sa of options.serviceAccounts) issue(sa);

  const deny = (res: ServerResponse, code: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(text);
  };

  const server: Server = createServer({ key: serving.private, cert: serving.cert }, (req, res) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const who = bearer ? tokens.get(bearer) : undefined;
    if (!who || (who.until !== undefined && who.until < Date.now())) {
      refused.push('401');
      deny(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const url = new URL(req.url ?? '/', 'https://kube');
    const target = parseResourcePath(url.pathname);
    // Discovery (/api, /apis, /version) is open to every authenticated user (system:discovery).
    if (target) {
      const watch = url.searchParams.get('watch');
      const verb = watch === 'true' || watch === '1' ? 'watch' : target.name ? 'get' : 'list';
      const { group, plural } = target.resource;
      if (!rbac.allows(who.subject, verb, group, plural, target.namespace)) {
        refused.push(`403 ${who.subject} ${verb} ${group ? `${group}/` : ''}${plural}`);
        deny(
          res,
          403,
          status(
            403,
            'Forbidden',
            forbiddenMessage(who.subject, verb, group, plural, target.namespace),
            {
              group,
              kind: plural,
            },
          ),
        );
        return;
      }
    }
    // The aggregation layer authorizes a tap as verb `watch` on the `tap` subresource.
    const tap = parseTapPath(url.pathname);
    if (
      tap &&
      !rbac.allows(who.subject, 'watch', 'tap.linkerd.io', `${tap.resource}/tap`, tap.namespace)
    ) {
      refused.push(`403 ${who.subject} watch tap.linkerd.io/${tap.resource}/tap`);
      deny(res, 403, tapForbidden(who.subject, tap));
      return;
    }
    options.handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    mountRoot: (sa) => root(sa),
    rotateToken: issue,
    expireRotatedTokens() {
      for (const t of tokens.values()) if (t.until !== undefined) t.until = 0;
    },
    refused,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
