/**
 * Signing in, for every page: who the user is (GET api/auth/me), a sign-in form when the
 * server wants one, and the CSRF token the server asks of signed-in browser requests that
 * change data. The session itself is an HttpOnly cookie the page never sees.
 */
import { API, type Answer } from '../../geodata/model/api/index.ts';
import { ApiError, http } from './http.ts';
import { lang } from './i18n.ts';

/** Who the page acts for, as /api/auth/me answers (the API contract, geodata/model/api/auth.ts). */
export type Me = Answer<typeof API.auth.me>;

const ROLE: Record<string, [string, string]> = { viewer: ['浏览', 'viewer'], reviewer: ['审核', 'reviewer'], admin: ['管理', 'admin'] };
const TEXT = {
  signIn: ['登录', 'Sign in'], signOut: ['退出', 'Sign out'], username: ['用户名', 'User name'], password: ['密码', 'Password'],
  national: ['全国', 'national'], wrong: ['用户名或密码错误', 'Wrong user name or password'],
} as const;
const say = (k: keyof typeof TEXT) => TEXT[k][lang() === 'zh' ? 0 : 1];

/** Who this page acts for; null when the server allows no anonymous access and nobody signed in. */
export async function whoAmI(): Promise<Me | null> {
  try {
    const me = await http.call(API.auth.me, { cache: 'no-store' });
    http.setCsrf(me.csrfToken);
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export async function signIn(username: string, password: string): Promise<Me> {
  try {
    await http.call(API.auth.login, { body: { username, password } });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) throw new Error(say('wrong'));
    throw err;
  }
  return (await whoAmI())!;
}

export async function signOut(): Promise<void> {
  await http.request('/auth/logout', { method: 'POST' });
  http.setCsrf(null);
}

/**
 * Resolves with the principal once there is one: at once when a session or anonymous access
 * exists, otherwise after the user signs in through a modal form.
 */
export async function ensureSignedIn(): Promise<Me> {
  const me = await whoAmI();
  if (me) return me;
  return new Promise((resolve) => {
    const dialog = signInForm((signed) => {
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
export function mountAccount(host: HTMLElement, me: Me | null, onChange: (me: Me | null) => void): void {
  host.replaceChildren();
  host.classList.add('yzt-account');
  if (me?.user) {
    const who = document.createElement('span');
    who.id = 'account-name';
    const region = me.user.region ? ` · ${me.user.region}` : ` · ${say('national')}`;
    who.textContent = `${me.user.displayName ?? me.user.username}（${ROLE[me.role]?.[lang() === 'zh' ? 0 : 1] ?? me.role}${region}）`;
    const out = button(say('signOut'), async () => {
      await signOut();
      const after = await whoAmI();
      mountAccount(host, after, onChange);
      onChange(after);
    });
    out.id = 'sign-out';
    host.append(who, out);
    return;
  }
  const open = button(say('signIn'), () => {
    const form = signInForm((signed) => {
      mountAccount(host, signed, onChange);
      onChange(signed);
    });
    host.replaceChildren(form);
    form.querySelector('input')?.focus();
  });
  open.id = 'sign-in';
  host.append(open);
}

function signInForm(done: (me: Me) => void): HTMLFormElement {
  const form = document.createElement('form');
  form.className = 'yzt-signin';
  form.innerHTML = `<input name="username" autocomplete="username" placeholder="${say('username')}" required size="10" />
    <input name="password" type="password" autocomplete="current-password" placeholder="${say('password')}" required size="10" />
    <button type="submit">${say('signIn')}</button><span class="yzt-signin-error" role="alert"></span>`;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const error = form.querySelector<HTMLElement>('.yzt-signin-error')!;
    error.textContent = '';
    try {
      done(await signIn(String(data.get('username')), String(data.get('password'))));
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
