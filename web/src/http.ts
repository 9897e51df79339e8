import type { Answer, ApiRoute, BodyInput } from '../../geodata/model/api/index.ts';

/**
 * The web app's one HTTP client: every request of every screen goes through here, and this is
 * the only module that calls `fetch` (web/src/http.test.ts checks it). It adds the session's
 * CSRF token to requests that change data, turns a failed answer into an {@link ApiError} with
 * the server's message, and reports download progress when asked.
 *
 * The session itself is an HttpOnly cookie the page never sees; the token comes from
 * `GET /api/auth/me` and is handed to the client with {@link HttpClient.setCsrf}.
 *
 * @example
 * const page = await http.call(API.review.items, { query: { status: 'open', limit: 100 } });
 * await http.call(API.review.action, { params: { id: 42 }, body: { action: 'accept', reason: '…' } });
 *
 * JSON is read only through {@link HttpClient.call}, with a route of the contract: there is no
 * untyped JSON method to copy a shape by hand into. `request`, `bytes` and `download` are for
 * answers that are not JSON (files, geobuf, 204).
 */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | readonly string[] | null | undefined>;

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON, unless it is FormData or a Blob. */
  readonly body?: unknown;
  /** Query-string values; empty, null and undefined ones are left out, arrays joined by commas. */
  readonly query?: Query;
  readonly signal?: AbortSignal | null;
  readonly cache?: RequestCache;
  /** Called as the answer's body arrives: bytes so far and the total when the server names it. */
  readonly onProgress?: (loaded: number, total: number | null) => void;
}

/** A call of one route of the API contract: its path's parameters, query and body. */
export interface CallOptions<R extends ApiRoute> extends Omit<RequestOptions, 'method' | 'body'> {
  readonly params?: Record<string, string | number>;
  /** The JSON body its schema describes, or a multipart form for an upload (its fields are text the server parses with the same schema). */
  readonly body?: BodyInput<R> | FormData;
}

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class HttpClient {
  private csrf: string | null = null;

  /**
   * @param base where the API lives, absolute from the site root (`/api`), so that every
   *   screen's clean URL (`/review`, `/battle`) reaches it alike.
   * @param fetcher the browser's fetch; tests hand in their own.
   */
  constructor(readonly base = '/api', private readonly fetcher: FetchLike = (input, init) => fetch(input, init)) {}

  setCsrf(token: string | null): void {
    this.csrf = token;
  }

  /** A URL of the API (or of `/tiles/…`) with its query, for links and downloads (`<a href>`). */
  url(path: string, query: Query = {}): string {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === null || v === undefined || v === '') continue;
      p.set(k, Array.isArray(v) ? v.join(',') : String(v));
    }
    const qs = p.toString();
    // Tiles live beside the API, not under it.
    const prefix = path.startsWith('/tiles/') ? '' : this.base;
    return `${prefix}${path}${qs ? `?${qs}` : ''}`;
  }

  /** The raw answer; throws ApiError unless it is 2xx. */
  async request(path: string, options: RequestOptions = {}): Promise<Response> {
    const method = options.method ?? 'GET';
    const headers = new Headers();
    let body: BodyInit | undefined;
    if (options.body instanceof FormData || options.body instanceof Blob) body = options.body;
    else if (options.body !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(options.body);
    }
    if (this.csrf && UNSAFE.has(method)) headers.set('X-CSRF-Token', this.csrf);
    const init: RequestInit = { method, headers, signal: options.signal ?? null };
    if (body !== undefined) init.body = body;
    if (options.cache) init.cache = options.cache;
    const res = await this.fetcher(this.url(path, options.query), init);
    if (!res.ok) {
      const parsed = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      const message = typeof parsed.error === 'string' ? parsed.error : `${res.status} ${res.statusText}`.trim();
      throw new ApiError(res.status, message, parsed);
    }
    return options.onProgress ? withProgress(res, options.onProgress) : res;
  }

  /**
   * One route of the API contract (geodata/model/api/): the path from its parameters, the
   * body typed by its schema, and the answer parsed by the schema the server's answer is
   * checked against, so an answer of the wrong shape fails here, naming the route and field,
   * instead of deep inside a screen.
   */
  async call<R extends ApiRoute>(route: R, options: CallOptions<R> = {}): Promise<Answer<R>> {
    const { params = {}, ...rest } = options;
    const path = route.path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`${route.method} ${route.path}: no value for :${name}`);
      return encodeURIComponent(String(value));
    });
    // The contract names paths from the site root; this client's paths are under its base.
    const relative = path.startsWith(`${this.base}/`) ? path.slice(this.base.length) : path;
    const res = await this.request(relative, { ...rest, method: route.method });
    // Not JSON (204 No Content, a file): the route's `answer` says what; a caller wanting its bytes uses request().
    if (!route.response) return undefined as Answer<R>;
    const answer: unknown = await res.json();
    const parsed = route.response.safeParse(answer);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ApiError(0, `${route.method} ${route.path}: the answer does not match the API contract at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    return parsed.data as Answer<R>;
  }

  async bytes(path: string, options: RequestOptions = {}): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request(path, options)).arrayBuffer());
  }

  /** A file the server sends as an attachment, with the name it gives. */
  async download(path: string, options: RequestOptions = {}): Promise<{ blob: Blob; name: string | null }> {
    const res = await this.request(path, options);
    const name = /filename="?([^";]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? null;
    return { blob: await res.blob(), name };
  }
}

/** The same answer, its body read through a counter. */
function withProgress(res: Response, onProgress: (loaded: number, total: number | null) => void): Response {
  if (!res.body) return res;
  const length = Number(res.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  let loaded = 0;
  const counted = res.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      loaded += chunk.byteLength;
      onProgress(loaded, total);
      controller.enqueue(chunk);
    },
  }));
  return new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** The client every screen shares. */
export const http = new HttpClient();
