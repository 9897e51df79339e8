/**
 * Signing in, for every page: who the user is (GET api/auth/me), a sign-in form when the
 * server wants one, and the CSRF token the server asks of signed-in browser requests that
 * change data. The session itself is an HttpOnly cookie the page never sees.
 */
export interface Me {
  user: { username: string; displayName: string | null; role: string; region: string | null } | null;
  name: string;
  role: 'viewer' | 'reviewer' | 'admin';
  scope: string;
  csrfToken: string | null;
  anonymousAllowed: boolean;
}

const ROLE_ZH: Record<string, string> = { viewer: '浏览', reviewer: '审核', admin: '管理' };
const UNSAFE = /^(POST|PUT|PATCH|DELETE)$/i;
let csrf: string | null = null;
let installed = false;

/** Adds the session's CSRF token to this page's own requests that change data. */
function installCsrf(): void {
  if (installed) return;
  installed = true;
  const original = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init: RequestInit = {}) => {
    const method = init.method ?? (input instanceof Request ? input.method : 'GET');
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (csrf && UNSAFE.test(method) && url.origin === location.origin) {
      const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
      headers.set('X-CSRF-Token', csrf);
      init = { ...init, headers };
    }
    return original(input, init);
  };
}

/** Who this page acts for; null when the server allows no anonymous access and nobody signed in. */
export async function whoAmI(apiBase: string): Promise<Me | null> {
  installCsrf();
  const res = await fetch(`${apiBase}/auth/me`, { cache: 'no-store' });
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  const me = (await res.json()) as Me;
  csrf = me.csrfToken;
  return me;
}

export async function signIn(apiBase: string, username: string, password: string): Promise<Me> {
  const res = await fetch(`${apiBase}/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(res.status === 401 ? '用户名或密码错误' : body.error ?? `${res.status}`);
  return (await whoAmI(apiBase))!;
}

export async function signOut(apiBase: string): Promise<void> {
  await fetch(`${apiBase}/auth/logout`, { method: 'POST' });
  csrf = null;
}

/**
 * Resolves with the principal once there is one: at once when a session or anonymous access
 * exists, otherwise after the user signs in through a modal form.
 */
export async function ensureSignedIn(apiBase: string): Promise<Me> {
  const me = await whoAmI(apiBase);
  if (me) return me;
  return new Promise((resolve) => {
    const dialog = signInForm(apiBase, (signed) => {
      dialog.remove();
      resolve(signed);
    });
    dialog.classList.add('yzt-signin-modal');
    Object.assign(dialog.style, {
      position: 'fixed', top: '30%', left: '50%', transform: 'translateX(-50%)', zIndex: '1000', padding: '16px 20px',
      background: '#fff', border: '1px solid #888', borderRadius: '6px', boxShadow: '0 4px 24px rgba(0,0,0,.3)',
    });
    document.body.append(dialog);
    dialog.querySelector('input')?.focus();
  });
}

/** The account box of a page header: the user and a sign-out button, or a sign-in form. */
export function mountAccount(host: HTMLElement, apiBase: string, me: Me | null, onChange: (me: Me | null) => void): void {
  host.replaceChildren();
  host.classList.add('yzt-account');
  if (me?.user) {
    const who = document.createElement('span');
    who.id = 'account-name';
    const region = me.user.region ? ` · ${me.user.region}` : ' · 全国';
    who.textContent = `${me.user.displayName ?? me.user.username}（${ROLE_ZH[me.role] ?? me.role}${region}）`;
    const out = button('退出', async () => {
      await signOut(apiBase);
      const after = await whoAmI(apiBase);
      mountAccount(host, apiBase, after, onChange);
      onChange(after);
    });
    out.id = 'sign-out';
    host.append(who, out);
    return;
  }
  const open = button('登录', () => {
    const form = signInForm(apiBase, (signed) => {
      mountAccount(host, apiBase, signed, onChange);
      onChange(signed);
    });
    host.replaceChildren(form);
    form.querySelector('input')?.focus();
  });
  open.id = 'sign-in';
  host.append(open);
}

function signInForm(apiBase: string, done: (me: Me) => void): HTMLFormElement {
  const form = document.createElement('form');
  form.className = 'yzt-signin';
  form.innerHTML = `<input name="username" autocomplete="username" placeholder="用户名" required size="10" />
    <input name="password" type="password" autocomplete="current-password" placeholder="密码" required size="10" />
    <button type="submit">登录</button><span class="yzt-signin-error" role="alert"></span>`;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const error = form.querySelector<HTMLElement>('.yzt-signin-error')!;
    error.textContent = '';
    try {
      done(await signIn(apiBase, String(data.get('username')), String(data.get('password'))));
    } catch (err) {
      error.textContent = (err as Error).message;
    }
  });
  return form;
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}
