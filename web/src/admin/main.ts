/** User administration for national admins: list, create, change role or region, disable. */
import { ensureSignedIn, mountAccount } from '../session.ts';

interface User { id: number; username: string; displayName: string | null; role: string; region: string | null; disabled: boolean }

const API = '../../api';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ROLE_ZH: Record<string, string> = { viewer: '浏览', reviewer: '审核', admin: '管理' };

function say(text: string, bad = false): void {
  const m = $('message');
  m.textContent = text;
  m.className = bad ? 'bad' : '';
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${API}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body as { error?: string }).error ?? `${res.status}`);
  return body as T;
}

async function load(): Promise<void> {
  try {
    const { users } = await call<{ users: User[] }>('/users');
    $('users').querySelector('tbody')!.replaceChildren(...users.map(row));
  } catch (err) {
    say((err as Error).message, true);
  }
}

function row(u: User): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.user = u.username;
  const cell = (content: string | HTMLElement) => {
    const td = document.createElement('td');
    td.append(content);
    tr.append(td);
  };
  const role = document.createElement('select');
  for (const r of ['viewer', 'reviewer', 'admin']) role.append(new Option(ROLE_ZH[r]!, r, false, r === u.role));
  role.addEventListener('change', () => void change(u, { role: role.value }));
  const region = document.createElement('input');
  region.value = u.region ?? '';
  region.placeholder = '全国';
  region.size = 10;
  region.addEventListener('change', () => void change(u, { region: region.value.trim() || null }));
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.textContent = u.disabled ? '启用' : '停用';
  toggle.addEventListener('click', () => void change(u, { disabled: !u.disabled }));
  cell(u.username);
  cell(u.displayName ?? '');
  cell(role);
  cell(region);
  cell(u.disabled ? '已停用' : '正常');
  cell(toggle);
  return tr;
}

async function change(u: User, patch: Record<string, unknown>): Promise<void> {
  try {
    await call(`/users/${u.id}`, { method: 'PATCH', body: JSON.stringify(patch) });
    say(`已修改 ${u.username}`);
  } catch (err) {
    say((err as Error).message, true);
  }
  await load();
}

$<HTMLFormElement>('create').addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = Object.fromEntries(new FormData(e.target as HTMLFormElement)) as Record<string, string>;
  try {
    await call('/users', {
      method: 'POST',
      body: JSON.stringify({ username: data.username, displayName: data.displayName || null, password: data.password, role: data.role, region: data.region || null }),
    });
    (e.target as HTMLFormElement).reset();
    say(`已创建 ${data.username}`);
  } catch (err) {
    say((err as Error).message, true);
  }
  await load();
});

// The anonymous viewer of a public demo is let in, but only an admin gets the list.
const me = await ensureSignedIn(API);
mountAccount($('account'), API, me, () => window.location.reload());
if (me.role === 'admin') await load();
else say('请以管理员身份登录（右上角“登录”）', true);
document.body.dataset.ready = 'true';
