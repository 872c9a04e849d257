import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { discovery } from './discovery';
import { findResource, resourceKey, type ResourceType } from './resources';
import { parseFieldSelector, parseLabelSelector, SelectorError, type Matcher } from './selectors';
import { status } from './status';
import type { ObjectStore, StoredEvent } from './store';
import type { KubeObject } from './types';

interface Target {
  resource: ResourceType;
  namespace?: string;
  name?: string;
}

/** Parses `/api/v1/...` and `/apis/{group}/{version}/...` resource paths. */
export function parseResourcePath(
  path: string,
  versionOf?: (r: ResourceType) => string,
): Target | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let version: string | undefined;
  let rest: string[];
  if (parts[0] === 'api') {
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    group = parts[1] ?? '';
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  if (!version) return undefined;
  // namespaces/{ns}/{plural}[/{name}] — but `namespaces[/{name}]` alone is the Namespace resource.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const resource = findResource(group, version, rest[2] ?? '', versionOf);
    if (!resource?.namespaced || rest.length > 4) return undefined;
    return { resource, namespace: rest[1], ...(rest[3] ? { name: rest[3] } : {}) };
  }
  const resource = findResource(group, version, rest[0] ?? '', versionOf);
  if (!resource || rest.length > 2 || (rest.length === 2 && resource.namespaced)) return undefined;
  return { resource, ...(rest[1] ? { name: rest[1] } : {}) };
}

export interface KubeApiOptions {
  store: ObjectStore;
  /** While false, every request gets 503, as an API server that is down or unreachable. */
  available?: () => boolean;
  /** API groups this cluster does not serve (CRDs not installed): absent from discovery, 404 to requests. */
  withoutGroups?: readonly string[];
  /**
   * Resources served at another version than the demo's objects (`group/plural` ->
   * version), as a cluster with an older CRD: discovery, paths and every
   * object's `apiVersion` say that version.
   */
  servedVersions?: Readonly<Record<string, string>>;
  /** Groups served by APIServices beside this server (tap), listed in `/apis`. */
  aggregatedGroups?: () => readonly { name: string }[];
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function listKind(r: ResourceType): string {
  return `${r.kind}List`;
}

/** Stable order for lists and continue tokens. */
function byKey(a: KubeObject, b: KubeObject): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export interface KubeApiServer {
  server: Server;
  /** Handles one request (the demo mesh mounts its own paths beside it). */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Ends every open watch, as an API server restart or a proxy timeout does. */
  dropWatches(): void;
}

/** A Kubernetes-API-compatible, read-only HTTP server over the object store. */
export function createKubeApiServer(options: KubeApiOptions): KubeApiServer {
  const { store } = options;
  const watches = new Set<ServerResponse>();
  const absent = new Set(options.withoutGroups ?? []);
  const served = (r: ResourceType) => !absent.has(r.group);
  const versionOf = (r: ResourceType) => options.servedVersions?.[resourceKey(r)] ?? r.version;
  const apiVersion = (r: ResourceType) => (r.group ? `${r.group}/${versionOf(r)}` : versionOf(r));
  /** An object as this server serves it: at its resource's served version. */
  const at = (r: ResourceType, o: KubeObject): KubeObject =>
    versionOf(r) === r.version ? o : { ...o, apiVersion: apiVersion(r) };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://kube');
    if (options.available && !options.available()) {
      send(res, 503, status(503, 'ServiceUnavailable', 'the API server is unavailable'));
      return;
    }
    if (req.method !== 'GET') {
      // A path no group serves is not found, whatever the method (an APIService not installed).
      const known = parseResourcePath(url.pathname, versionOf);
      if (!known || !served(known.resource)) {
        send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
        return;
      }
      send(
        res,
        405,
        status(
          405,
          'MethodNotAllowed',
          `the demo mesh API is read-only; ${req.method} is not supported`,
        ),
      );
      return;
    }
    const disc = discovery(
      url.pathname.replace(/\/$/, ''),
      served,
      versionOf,
      options.aggregatedGroups?.(),
    );
    if (disc !== undefined) {
      send(res, 200, disc);
      return;
    }
    const target = parseResourcePath(url.pathname, versionOf);
    if (!target || !served(target.resource)) {
      send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    let match: Matcher;
    try {
      const labels = parseLabelSelector(url.searchParams.get('labelSelector') ?? undefined);
      const fields = parseFieldSelector(url.searchParams.get('fieldSelector') ?? undefined);
      match = (o) => labels(o) && fields(o);
    } catch (err) {
      if (err instanceof SelectorError) {
        send(res, 400, status(400, 'BadRequest', err.message));
        return;
      }
      throw err;
    }
    const { resource, namespace, name } = target;
    if (name !== undefined) {
      const obj = store.get(resource, namespace, name);
      if (!obj) {
        send(
          res,
          404,
          status(
            404,
            'NotFound',
            `${resourceKey(resource).replace('/', '.')} "${name}" not found`,
            {
              name,
              group: resource.group,
              kind: resource.plural,
            },
          ),
        );
        return;
      }
      send(res, 200, at(resource, obj));
      return;
    }
    const watch = url.searchParams.get('watch');
    if (watch === 'true' || watch === '1') {
      startWatch(req, res, resource, namespace, match, url.searchParams);
      return;
    }
    list(res, resource, namespace, match, url.searchParams);
  };

  const list = (
    res: ServerResponse,
    r: ResourceType,
    ns: string | undefined,
    match: Matcher,
    q: URLSearchParams,
  ) => {
    const all = store.list(r, ns).filter(match).sort(byKey);
    const limit = Number(q.get('limit') ?? 0);
    let offset = 0;
    const cont = q.get('continue');
    if (cont) {
      const parsed = Number(Buffer.from(cont, 'base64url').toString());
      if (!Number.isInteger(parsed) || parsed < 0) {
        send(res, 400, status(400, 'BadRequest', 'invalid continue token'));
        return;
      }
      offset = parsed;
    }
    const items = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const next =
      limit > 0 && offset + limit < all.length
        ? Buffer.from(String(offset + limit)).toString('base64url')
        : undefined;
    send(res, 200, {
      kind: listKind(r),
      apiVersion: apiVersion(r),
      metadata: {
        resourceVersion: String(store.resourceVersion),
        ...(next ? { continue: next, remainingItemCount: all.length - offset - items.length } : {}),
      },
      items: items.map((o) => at(r, o)),
    });
  };

  const startWatch = (
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceType,
    ns: string | undefined,
    match: Matcher,
    q: URLSearchParams,
  ) => {
    const rvParam = q.get('resourceVersion');
    const fromRv = rvParam && rvParam !== '0' ? Number(rvParam) : undefined;
    if (fromRv !== undefined && !Number.isInteger(fromRv)) {
      send(
        res,
        400,
        status(400, 'BadRequest', `invalid resourceVersion ${JSON.stringify(rvParam)}`),
      );
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache',
    });
    res.flushHeaders();
    const visible = (o: KubeObject) =>
      (ns === undefined || o.metadata.namespace === ns) && match(o);
    // Objects go out at the served version; Status and bookmark bodies as they are.
    const write = (type: string, object: unknown) =>
      res.write(
        `${JSON.stringify({ type, object: type === 'ERROR' || type === 'BOOKMARK' ? object : at(r, object as KubeObject) })}\n`,
      );

    let lastRv = fromRv ?? store.resourceVersion;
    const pending: StoredEvent[] = [];
    let replaying = true;
    const onEvent = (e: StoredEvent) => {
      if (replaying) {
        pending.push(e);
        return;
      }
      if (e.rv > lastRv && visible(e.object)) write(e.type, e.object);
      lastRv = Math.max(lastRv, e.rv);
    };
    const key = resourceKey(r);
    store.events.on(key, onEvent);

    if (fromRv === undefined) {
      for (const o of store.list(r, ns).filter(match).sort(byKey)) write('ADDED', o);
    } else {
      const history = store.eventsSince(r, fromRv);
      if (history === 'gone') {
        write(
          'ERROR',
          status(410, 'Expired', `too old resource version: ${fromRv} (${store.resourceVersion})`),
        );
        store.events.off(key, onEvent);
        res.end();
        return;
      }
      for (const e of history) {
        if (visible(e.object)) write(e.type, e.object);
        lastRv = Math.max(lastRv, e.rv);
      }
    }
    replaying = false;
    for (const e of pending.splice(0)) onEvent(e);

    watches.add(res);
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const bookmarkTimer = bookmarks
      ? setInterval(
          () =>
            write('BOOKMARK', {
              kind: r.kind,
              apiVersion: apiVersion(r),
              metadata: { resourceVersion: String(store.resourceVersion) },
            }),
          30_000,
        )
      : undefined;
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const timeoutTimer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    const cleanup = () => {
      store.events.off(key, onEvent);
      if (bookmarkTimer) clearInterval(bookmarkTimer);
      if (timeoutTimer) clearTimeout(timeoutTimer);
      watches.delete(res);
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
  };

  const safeHandle = (req: IncomingMessage, res: ServerResponse) => {
    try {
      handle(req, res);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) send(res, 500, status(500, 'InternalError', message));
      else res.end();
    }
  };
  const dropWatches = () => {
    for (const w of watches) w.end();
  };
  const server = createServer(safeHandle);
  // Watches are long-lived; close them so `server.close()` completes.
  server.on('close', dropWatches);
  return { server, handle: safeHandle, dropWatches };
}
