/** User administration (用户) for national admins: list, create, change role or region, disable. */
import { API, type Answer, type BodyInput } from '../../../geodata/model/api/index.ts';
import type { Role } from '../../../geodata/model/api/auth.ts';
import { http } from '../http.ts';
import { onLangChange, t, type MessageKey } from '../i18n.ts';
import { whoAmI } from '../session.ts';
import type { Screen } from '../shell/screen.ts';
import './admin.css';

type User = Answer<typeof API.auth.users>['users'][number];

const TEMPLATE = `
  <p id="message" role="status"></p>
  <table id="users"><thead><tr><th data-t="admin.username"></th><th data-t="admin.displayName"></th><th data-t="admin.role"></th>
    <th data-t="admin.region"></th><th data-t="admin.state"></th><th></th></tr></thead><tbody></tbody></table>
  <h2 data-t="admin.create"></h2>
  <form id="create">
    <input name="username" required />
    <input name="displayName" />
    <input name="password" type="password" required minlength="10" autocomplete="new-password" />
    <select name="role"><option value="viewer"></option><option value="reviewer"></option><option value="admin"></option></select>
    <input name="region" pattern="[0-9]{2,12}" />
    <button type="submit" data-t="admin.submit"></button>
  </form>`;

export default function createAdminScreen(): Screen {
  let stop = () => {};
  return {
    async mount(container) {
      container.classList.add('screen-admin');
      container.innerHTML = TEMPLATE;
      const $ = <T extends HTMLElement>(sel: string) => container.querySelector(sel) as T;
      let users: User[] = [];
      let isAdmin = false;
      const say = (text: string, bad = false) => { const m = $('#message'); m.textContent = text; m.className = bad ? 'bad' : ''; };
      const roleName = (r: string) => t(`role.${r}` as MessageKey);

      function chrome(): void {
        for (const el of container.querySelectorAll<HTMLElement>('[data-t]')) el.textContent = t(el.dataset.t as MessageKey);
        const form = $<HTMLFormElement>('#create');
        (form.elements.namedItem('username') as HTMLInputElement).placeholder = t('admin.username');
        (form.elements.namedItem('displayName') as HTMLInputElement).placeholder = t('admin.displayName');
        (form.elements.namedItem('password') as HTMLInputElement).placeholder = t('admin.password');
        (form.elements.namedItem('region') as HTMLInputElement).placeholder = t('admin.regionHint');
        for (const o of form.querySelectorAll('option')) o.textContent = roleName(o.value);
        $('#users tbody').replaceChildren(...users.map(row));
      }

      async function load(): Promise<void> {
        try {
          users = (await http.call(API.auth.users)).users;
          chrome();
        } catch (err) {
          say((err as Error).message, true);
        }
      }

      function row(u: User): HTMLTableRowElement {
        const tr = document.createElement('tr');
        tr.dataset.user = u.username;
        const cell = (content: string | HTMLElement) => { const td = document.createElement('td'); td.append(content); tr.append(td); };
        const role = document.createElement('select');
        for (const r of ['viewer', 'reviewer', 'admin']) role.append(new Option(roleName(r), r, false, r === u.role));
        role.addEventListener('change', () => void change(u, { role: role.value as Role }));
        const region = document.createElement('input');
        region.value = u.region ?? '';
        region.size = 10;
        region.addEventListener('change', () => void change(u, { region: region.value.trim() || null }));
        const toggle = document.createElement('button');
        toggle.type = 'button';
        toggle.textContent = t(u.disabled ? 'admin.enable' : 'admin.disable');
        toggle.addEventListener('click', () => void change(u, { disabled: !u.disabled }));
        cell(u.username);
        cell(u.displayName ?? '');
        cell(role);
        cell(region);
        cell(t(u.disabled ? 'admin.disabled' : 'admin.enabled'));
        cell(toggle);
        return tr;
      }

      async function change(u: User, patch: BodyInput<typeof API.auth.changeUser>): Promise<void> {
        try {
          await http.call(API.auth.changeUser, { params: { id: u.id }, body: patch });
          say(`${t('admin.saved')} · ${u.username}`);
        } catch (err) {
          say((err as Error).message, true);
        }
        await load();
      }

      $<HTMLFormElement>('#create').addEventListener('submit', async (e) => {
        e.preventDefault();
        const data = Object.fromEntries(new FormData(e.target as HTMLFormElement)) as Record<string, string>;
        try {
          await http.call(API.auth.createUser, {
            // The server checks each field and names the one that is wrong.
            body: { username: data.username ?? '', displayName: data.displayName || null, password: data.password ?? '', role: data.role as Role, region: data.region || null },
          });
          (e.target as HTMLFormElement).reset();
          say(t('admin.created', { user: data.username! }));
        } catch (err) {
          say((err as Error).message, true);
        }
        await load();
      });

      stop = onLangChange(chrome);
      chrome();
      // The anonymous viewer of a public demo is let in, but only an admin gets the list.
      // Without a session the shell asks for the sign-in (and reloads); nobody is shown anything here.
      const me = await whoAmI();
      isAdmin = me?.role === 'admin';
      if (isAdmin) await load();
      else if (me) say(t('admin.needAdmin'), true);
      container.dataset.ready = 'true';
    },
    unmount() {
      stop();
    },
  };
}
