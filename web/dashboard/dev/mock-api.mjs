// Dev-only, in-memory mock of the Latchkey dashboard API (reference/dashboard.md §6 plus
// GET /dashboard/api/me). Not shipped: used by `npm run dev` (Vite middleware) and by
// dev/serve.mjs, which serves the built dist/ the way the Go SDK does, under CSP.
//
// Accounts (email-password mode):  admin@example.com / abcd1234  (may write)
//                                  viewer@example.com / abcd1234 (read-only)
//                                  suspended@example.com / abcd1234 (USER_SUSPENDED_ERROR)
// API-key mode key:                dev-api-key
//
// Control endpoints: GET /__mock/reset?seed=full|empty&authMode=email-password|api-key
//   &coreAPIKeyRequired=true|false&passwordless=true|false&delay=<ms>
// GET /__mock/permission?email=…&canWrite=true|false (changes an account behind the UI's back)
// GET /__mock/expire (drops every dashboard session: the next call answers 401)

const API_BASE = '/auth';

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(r) {
  const h = () => Math.floor(r() * 16).toString(16);
  const part = (n) => Array.from({ length: n }, h).join('');
  return `${part(8)}-${part(4)}-4${part(3)}-a${part(3)}-${part(12)}`;
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Radia', 'Edsger', 'Frances', 'Donald'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Liskov', 'Thompson', 'Hamilton', 'Ritchie', 'Perlman', 'Dijkstra', 'Allen', 'Knuth'];
const DOMAINS = ['example.com', 'acme.test', 'mail.example.org'];

function defaultOptions() {
  return {
    seed: 'full',
    authMode: process.env.MOCK_AUTH_MODE === 'api-key' ? 'api-key' : 'email-password',
    coreAPIKeyRequired: process.env.MOCK_CORE_API_KEY !== 'false',
    passwordless: process.env.MOCK_PASSWORDLESS !== 'false',
    delay: Number(process.env.MOCK_DELAY || 0),
  };
}

export function createMock() {
  let opts = defaultOptions();
  let st;

  function seed() {
    const r = rng(42);
    const now = Date.UTC(2026, 10, 20, 12, 0, 0);
    st = {
      dashUsers: {
        'admin@example.com': { password: 'abcd1234', canWrite: true },
        'viewer@example.com': { password: 'abcd1234', canWrite: false },
        'suspended@example.com': { password: 'abcd1234', canWrite: false, suspended: true },
      },
      tokens: new Map(),
      tenants: [
        { tenantId: 'public', firstFactors: ['emailpassword', 'otp-email', 'otp-phone', 'link-email', 'thirdparty'] },
        { tenantId: 'tenant1', firstFactors: ['emailpassword'] },
        { tenantId: 'eu-customers', firstFactors: ['otp-phone', 'link-phone'] },
      ],
      users: [],
      metadata: new Map(),
      sessions: new Map(),
      roles: new Map([
        ['admin', new Set(['read:users', 'write:users', 'delete:users', 'read:billing', 'write:billing', 'read:audit', 'manage:roles'])],
        ['editor', new Set(['read:users', 'write:users'])],
        ['viewer', new Set(['read:users'])],
        ['support', new Set()],
      ]),
      userRoles: new Map(),
      clock: now,
    };
    if (opts.seed === 'empty') return;
    for (let i = 0; i < 57; i++) {
      const id = uuid(r);
      const first = FIRST[i % FIRST.length];
      const last = LAST[(i * 5) % LAST.length];
      const email = `${first}.${last}${i}@${DOMAINS[i % DOMAINS.length]}`.toLowerCase();
      const timeJoined = now - (57 - i) * 3_600_000 * 13 - Math.floor(r() * 3_600_000);
      const kind = i % 7;
      const tenantIds = i % 11 === 3 ? ['public', 'tenant1'] : i % 13 === 5 ? ['tenant1'] : ['public'];
      let loginMethods;
      if (kind === 3) {
        loginMethods = [{ recipeId: 'passwordless', recipeUserId: id, tenantIds, phoneNumber: `+1555010${String(1000 + i).slice(-4)}`, timeJoined, verified: false }];
      } else if (kind === 5) {
        loginMethods = [{ recipeId: 'thirdparty', recipeUserId: id, tenantIds, email, thirdParty: { id: i % 2 ? 'github' : 'google', userId: String(100000 + i * 7919) }, timeJoined, verified: true }];
      } else if (kind === 6) {
        const other = uuid(r);
        loginMethods = [
          { recipeId: 'emailpassword', recipeUserId: id, tenantIds, email, timeJoined, verified: true },
          { recipeId: 'thirdparty', recipeUserId: other, tenantIds, email, thirdParty: { id: 'google', userId: String(200000 + i) }, timeJoined: timeJoined + 86_400_000, verified: true },
        ];
      } else {
        loginMethods = [{ recipeId: kind === 4 ? 'passwordless' : 'emailpassword', recipeUserId: id, tenantIds, email, timeJoined, verified: i % 3 === 0 }];
      }
      st.users.push({ id, isPrimaryUser: loginMethods.length > 1, tenantIds, timeJoined, loginMethods });
      if (i % 2 === 0) st.metadata.set(id, { first_name: first, last_name: last, plan: i % 4 ? 'free' : 'pro', preferences: { theme: 'system', newsletter: i % 3 === 0 } });
      const n = i % 4;
      st.sessions.set(
        id,
        Array.from({ length: n }, (_, k) => ({
          sessionHandle: uuid(r),
          userId: id,
          recipeUserId: id,
          tenantId: tenantIds[0],
          timeCreated: now - (k + 1) * 86_400_000,
          expiry: now + (100 - k) * 86_400_000,
          sessionDataInDatabase: {},
          accessTokenPayload: {},
        })),
      );
      if (i % 5 === 0) st.userRoles.set(`public|${id}`, new Set(i % 10 ? ['viewer'] : ['admin', 'editor']));
    }
  }
  seed();

  const config = () => ({
    dashboardPath: `${API_BASE}/dashboard`,
    apiBasePath: API_BASE,
    connectionURI: 'http://127.0.0.1:3567',
    authMode: opts.authMode,
    isSearchEnabled: true,
    recipes: {
      emailpassword: true,
      passwordless: opts.passwordless,
      emailverification: true,
      usermetadata: true,
      userroles: true,
      multitenancy: true,
    },
    coreAPIKeyRequired: opts.coreAPIKeyRequired,
  });

  /** injectHead does what the Go SDK does to index.html. */
  function injectHead(html) {
    const json = JSON.stringify(config()).replace(/</g, '\\u003c');
    return html.replace(
      '<!--latchkey:head-->',
      `<base href="${API_BASE}/dashboard/"><script type="application/json" id="latchkey-config">${json}</script>`,
    );
  }

  function userJSON(u) {
    const emails = [...new Set(u.loginMethods.map((m) => m.email).filter(Boolean))];
    const phones = [...new Set(u.loginMethods.map((m) => m.phoneNumber).filter(Boolean))];
    const tp = u.loginMethods.filter((m) => m.thirdParty).map((m) => m.thirdParty);
    return {
      id: u.id,
      isPrimaryUser: u.isPrimaryUser,
      tenantIds: u.tenantIds,
      emails,
      phoneNumbers: phones,
      thirdParty: tp,
      webauthn: { credentialIds: [] },
      timeJoined: u.timeJoined,
      loginMethods: u.loginMethods.map((m) => ({ ...m, webauthn: { credentialIds: [] } })),
    };
  }
  function withNames(u) {
    const md = st.metadata.get(u.id) || {};
    return { ...userJSON(u), firstName: md.first_name || '', lastName: md.last_name || '' };
  }

  const send = (res, status, body) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(JSON.stringify(body));
  };

  async function readBody(req) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const s = Buffer.concat(chunks).toString('utf8');
    if (!s) return undefined;
    try {
      return JSON.parse(s);
    } catch {
      return null;
    }
  }

  function findUserByRecipeId(rid) {
    for (const u of st.users) {
      const m = u.loginMethods.find((x) => x.recipeUserId === rid);
      if (m) return { u, m };
    }
    return null;
  }

  function newUser(tenant, method) {
    st.clock += 60_000;
    const id = uuid(rng(st.clock));
    const u = {
      id,
      isPrimaryUser: false,
      tenantIds: [tenant],
      timeJoined: Date.now(),
      loginMethods: [{ ...method, recipeUserId: id, tenantIds: [tenant], timeJoined: Date.now(), verified: false }],
    };
    st.users.push(u);
    return u;
  }

  // The tenant screens' calls (reference/dashboard.md §6.7 and the Latchkey extensions).
  function tenantRoute(method, path, tenant, q, body, auth) {
    const t = st.tenants.find((x) => x.tenantId === tenant);
    if (!t) return { status: 'UNKNOWN_TENANT_ERROR' };
    t.providers ??= [];
    t.coreConfig ??= { password_hashing_alg: 'BCRYPT', access_token_validity: 3600, email_verification_token_lifetime: null };
    switch (`${method} ${path}`) {
      case 'GET /tenant':
        return {
          status: 'OK',
          tenant: {
            tenantId: t.tenantId,
            thirdParty: { providers: t.providers.map((p) => ({ thirdPartyId: p.thirdPartyId, name: p.name })) },
            firstFactors: t.firstFactors,
            requiredSecondaryFactors: null,
            userCount: st.users.filter((u) => u.tenantIds.includes(t.tenantId)).length,
            coreConfig: [
              { key: 'password_hashing_alg', valueType: 'string', value: t.coreConfig.password_hashing_alg, description: 'The hashing algorithm for passwords.', isDifferentAcrossTenants: true, possibleValues: ['BCRYPT', 'ARGON2'], isNullable: false, defaultValue: 'BCRYPT', isPluginProperty: false, isPluginPropertyEditable: false },
              { key: 'access_token_validity', valueType: 'number', value: t.coreConfig.access_token_validity, description: 'Seconds an access token is valid.', isDifferentAcrossTenants: false, isNullable: false, defaultValue: 3600, isPluginProperty: false, isPluginPropertyEditable: false },
              { key: 'email_verification_token_lifetime', valueType: 'number', value: t.coreConfig.email_verification_token_lifetime, description: 'Milliseconds an email verification link is valid.', isDifferentAcrossTenants: true, isNullable: true, defaultValue: 86400000, isPluginProperty: false, isPluginPropertyEditable: false },
            ],
          },
        };
      case 'DELETE /tenant':
        if (t.tenantId === 'public') return { status: 'CANNOT_DELETE_PUBLIC_TENANT_ERROR' };
        st.tenants = st.tenants.filter((x) => x !== t);
        return { status: 'OK', didExist: true };
      case 'PUT /tenant/first-factor':
        if (body.factorId.startsWith('link-'))
          return { status: 'RECIPE_NOT_CONFIGURED_ON_BACKEND_SDK_ERROR', message: 'Please ensure that Passwordless recipe is initialised with contactMethod: EMAIL and flowType: MAGIC_LINK' };
        t.firstFactors = body.enable ? [...new Set([...t.firstFactors, body.factorId])] : t.firstFactors.filter((f) => f !== body.factorId);
        return { status: 'OK' };
      case 'PUT /tenant/required-secondary-factor':
        return { status: 'MFA_NOT_INITIALIZED_ERROR' };
      case 'PUT /tenant/core-config':
        t.coreConfig[body.name] = body.value;
        return { status: 'OK' };
      case 'GET /thirdparty/config': {
        const id = q.get('thirdPartyId');
        const p = t.providers.find((x) => x.thirdPartyId === id) ?? { thirdPartyId: id, name: id, clients: [{ clientId: '', clientSecret: '', scope: [] }] };
        return { status: 'OK', providerConfig: { ...p, clients: p.clients.map((c) => ({ ...c, clientSecret: auth.canWrite ? c.clientSecret : '' })) } };
      }
      case 'PUT /thirdparty/config': {
        const p = body.providerConfig;
        const had = t.providers.some((x) => x.thirdPartyId === p.thirdPartyId);
        t.providers = [...t.providers.filter((x) => x.thirdPartyId !== p.thirdPartyId), p];
        return { status: 'OK', createdNew: !had };
      }
      case 'DELETE /thirdparty/config':
        t.providers = t.providers.filter((x) => x.thirdPartyId !== q.get('thirdPartyId'));
        return { status: 'OK', didConfigExist: true };
      case 'POST /tenant/user':
      case 'POST /tenant/user/remove': {
        const u = st.users.find((x) => x.id === body.userId);
        if (!u) return { status: 'UNKNOWN_USER_ID_ERROR' };
        const had = u.tenantIds.includes(t.tenantId);
        u.tenantIds = path.endsWith('remove') ? u.tenantIds.filter((x) => x !== t.tenantId) : [...new Set([...u.tenantIds, t.tenantId])];
        for (const m of u.loginMethods) m.tenantIds = u.tenantIds;
        return path.endsWith('remove') ? { status: 'OK', wasAssociated: had } : { status: 'OK', wasAlreadyAssociated: had };
      }
    }
  }

  async function route(method, path, tenant, q, body, auth) {
    const need = (cond, msg) => {
      if (!cond) throw { status: 400, body: { message: msg } };
    };
    switch (`${method} ${path}`) {
      case 'GET /me':
        return { status: 'OK', email: auth.email, canWrite: auth.canWrite, authMode: opts.authMode };
      case 'POST /signout':
        if (auth.token) st.tokens.delete(auth.token);
        return { status: 'OK' };
      case 'POST /analytics':
        return { status: 'OK' };
      case 'GET /search/tags':
        return { status: 'OK', tags: ['email', 'phone', 'provider'] };
      case 'GET /tenants':
        return {
          status: 'OK',
          tenants: st.tenants.map((t) => ({ tenantId: t.tenantId, firstFactors: t.firstFactors, userCount: st.users.filter((u) => u.tenantIds.includes(t.tenantId)).length })),
        };
      case 'POST /tenant': {
        const id = String(body.tenantId ?? '').trim().toLowerCase();
        need(id, 'tenantId is required');
        if (!/^[a-z0-9-]+$/.test(id)) return { status: 'INVALID_TENANT_ID_ERROR', message: 'Tenant id may contain letters, digits and hyphens only' };
        if (st.tenants.some((t) => t.tenantId === id)) return { status: 'TENANT_ID_ALREADY_EXISTS_ERROR' };
        st.tenants.push({ tenantId: id, firstFactors: ['emailpassword', 'otp-email', 'otp-phone', 'thirdparty'] });
        return { status: 'OK', createdNew: true };
      }
      case 'GET /tenant':
      case 'DELETE /tenant':
      case 'PUT /tenant/first-factor':
      case 'PUT /tenant/required-secondary-factor':
      case 'PUT /tenant/core-config':
      case 'GET /thirdparty/config':
      case 'PUT /thirdparty/config':
      case 'DELETE /thirdparty/config':
      case 'POST /tenant/user':
      case 'POST /tenant/user/remove':
        return tenantRoute(method, path, tenant, q, body, auth);
      case 'GET /users/count':
        return { status: 'OK', count: st.users.filter((u) => u.tenantIds.includes(tenant)).length };
      case 'GET /users': {
        need(q.get('limit'), "Missing required parameter 'limit'");
        const limit = Number(q.get('limit'));
        const order = q.get('timeJoinedOrder') || 'DESC';
        need(order === 'ASC' || order === 'DESC', 'timeJoinedOrder must be ASC or DESC');
        const search = ['email', 'phone', 'provider'].filter((t) => q.get(t));
        need(limit <= 500 || search.length > 0, 'max limit allowed is 500');
        let list = st.users.filter((u) => u.tenantIds.includes(tenant));
        for (const tag of search) {
          const vals = q.get(tag).split(';').map((s) => s.trim().toLowerCase()).filter(Boolean);
          list = list.filter((u) =>
            u.loginMethods.some((m) =>
              vals.some((v) => {
                if (tag === 'email') return m.email && (m.email.startsWith(v) || m.email.split('@')[1].startsWith(v));
                // As the SDK without a default region: digits start an international number.
                if (tag === 'phone') return m.phoneNumber && m.phoneNumber.startsWith('+' + v.replace(/\D/g, ''));
                return m.thirdParty && m.thirdParty.id.startsWith(v);
              }),
            ),
          );
        }
        list.sort((a, b) => (order === 'DESC' ? b.timeJoined - a.timeJoined : a.timeJoined - b.timeJoined));
        const start = q.get('paginationToken') ? Number(Buffer.from(q.get('paginationToken'), 'base64').toString()) : 0;
        const page = list.slice(start, start + limit);
        const out = { status: 'OK', users: page.map(withNames) };
        if (start + limit < list.length) out.nextPaginationToken = Buffer.from(String(start + limit)).toString('base64');
        return out;
      }
      case 'GET /user': {
        need(q.get('userId'), "Missing required parameter 'userId'");
        const u = st.users.find((x) => x.id === q.get('userId')) || findUserByRecipeId(q.get('userId'))?.u;
        return u ? { status: 'OK', user: withNames(u) } : { status: 'NO_USER_FOUND_ERROR' };
      }
      case 'PUT /user': {
        for (const k of ['recipeUserId', 'recipeId', 'firstName', 'lastName', 'email', 'phone'])
          need(typeof body?.[k] === 'string', `Required parameter '${k}' is missing or has an invalid type`);
        const f = findUserByRecipeId(body.recipeUserId);
        if (!f) throw { status: 500, body: 'Unknown recipe user' };
        if (body.firstName || body.lastName) {
          const md = { ...(st.metadata.get(f.u.id) || {}) };
          if (body.firstName) md.first_name = body.firstName;
          if (body.lastName) md.last_name = body.lastName;
          st.metadata.set(f.u.id, md);
        }
        if (body.email) {
          const e = body.email.trim().toLowerCase();
          if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) return { status: 'INVALID_EMAIL_ERROR', error: 'Email is invalid' };
          if (st.users.some((u) => u !== f.u && u.loginMethods.some((m) => m.recipeId === f.m.recipeId && m.email === e)))
            return { status: 'EMAIL_ALREADY_EXISTS_ERROR' };
          if (f.m.email !== e) f.m.verified = false;
          f.m.email = e;
        }
        if (body.phone) {
          if (!/^\+\d{7,15}$/.test(body.phone)) return { status: 'INVALID_PHONE_ERROR', error: 'Phone number is invalid' };
          f.m.phoneNumber = body.phone;
        }
        return { status: 'OK' };
      }
      case 'DELETE /user': {
        need(q.get('userId'), "Missing required parameter 'userId'");
        st.users = st.users.filter((u) => u.id !== q.get('userId'));
        return { status: 'OK' };
      }
      case 'GET /user/unlink':
        return { status: 'OK' };
      case 'GET /user/email/verify': {
        const f = findUserByRecipeId(q.get('recipeUserId') || '');
        need(f && f.m.email, 'Failed to get email for recipe user id');
        return { status: 'OK', isVerified: f.m.verified };
      }
      case 'PUT /user/email/verify': {
        const f = findUserByRecipeId(body?.recipeUserId || '');
        need(f && f.m.email, 'Failed to get email for recipe user id');
        need(typeof body.verified === 'boolean', "Required parameter 'verified' is missing");
        f.m.verified = body.verified;
        return { status: 'OK' };
      }
      case 'POST /user/email/verify/token': {
        const f = findUserByRecipeId(body?.recipeUserId || '');
        need(f && f.m.email, 'Unknown User ID provided');
        return f.m.verified ? { status: 'EMAIL_ALREADY_VERIFIED_ERROR' } : { status: 'OK' };
      }
      case 'GET /user/signin-lock':
        return { status: 'OK', locked: false, lockedUntil: 0, failures: 0 };
      case 'POST /user/signin-lock/remove':
        return { status: 'OK' };
      case 'PUT /user/password': {
        need(body?.recipeUserId && typeof body.newPassword === 'string', "Required parameter 'newPassword' is missing");
        const p = body.newPassword;
        if (p.length < 8) return { status: 'INVALID_PASSWORD_ERROR', error: 'Password must contain at least 8 characters, including a number' };
        if (!/\d/.test(p) || !/[a-z]/i.test(p)) return { status: 'INVALID_PASSWORD_ERROR', error: 'Password must contain at least one alphabet and one number' };
        return { status: 'OK' };
      }
      case 'GET /user/metadata':
        return { status: 'OK', data: st.metadata.get(q.get('userId')) || {} };
      case 'PUT /user/metadata': {
        let d;
        try {
          d = JSON.parse(body?.data);
        } catch {
          d = undefined;
        }
        need(d && typeof d === 'object' && !Array.isArray(d), "'data' must be a valid JSON body");
        st.metadata.set(body.userId, d);
        return { status: 'OK' };
      }
      case 'GET /user/sessions':
        return { status: 'OK', sessions: st.sessions.get(q.get('userId')) || [] };
      case 'POST /user/sessions': {
        need(Array.isArray(body?.sessionHandles), "Required parameter 'sessionHandles' is missing or has an invalid type");
        for (const [k, v] of st.sessions) st.sessions.set(k, v.filter((s) => !body.sessionHandles.includes(s.sessionHandle)));
        return { status: 'OK' };
      }
      case 'POST /user/emailpassword': {
        need(typeof body?.email === 'string' && typeof body?.password === 'string', 'Missing email or password');
        const e = body.email.trim().toLowerCase();
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) return { status: 'EMAIL_VALIDATION_ERROR', message: 'Email is invalid' };
        if (body.password.length < 8 || !/\d/.test(body.password) || !/[a-z]/i.test(body.password))
          return { status: 'PASSWORD_VALIDATION_ERROR', message: 'Password must contain at least 8 characters, including a number' };
        if (st.users.some((u) => u.tenantIds.includes(tenant) && u.loginMethods.some((m) => m.recipeId === 'emailpassword' && m.email === e)))
          return { status: 'EMAIL_ALREADY_EXISTS_ERROR' };
        const u = newUser(tenant, { recipeId: 'emailpassword', email: e });
        return { status: 'OK', user: userJSON(u), recipeUserId: u.id };
      }
      case 'POST /user/passwordless': {
        if (!opts.passwordless) return { status: 'FEATURE_NOT_ENABLED_ERROR' };
        need(!!body?.email !== !!body?.phoneNumber, 'Please provide exactly one of email or phoneNumber');
        if (body.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email)) return { status: 'EMAIL_VALIDATION_ERROR', message: 'Email is invalid' };
        if (body.phoneNumber && !/^\+\d{7,15}$/.test(body.phoneNumber)) return { status: 'PHONE_VALIDATION_ERROR', message: 'Phone number is invalid' };
        const exists = st.users.find((u) => u.loginMethods.some((m) => m.recipeId === 'passwordless' && ((body.email && m.email === body.email) || (body.phoneNumber && m.phoneNumber === body.phoneNumber))));
        if (exists) return { status: 'OK', createdNewRecipeUser: false, user: userJSON(exists), recipeUserId: exists.id };
        const u = newUser(tenant, body.email ? { recipeId: 'passwordless', email: body.email } : { recipeId: 'passwordless', phoneNumber: body.phoneNumber });
        return { status: 'OK', createdNewRecipeUser: true, user: userJSON(u), recipeUserId: u.id };
      }
      case 'GET /userroles/roles':
        return { status: 'OK', roles: [...st.roles.keys()] };
      case 'PUT /userroles/role': {
        need(typeof body?.role === 'string' && body.role && Array.isArray(body.permissions), 'Required parameters role and permissions');
        const created = !st.roles.has(body.role);
        if (created) st.roles.set(body.role, new Set());
        for (const p of body.permissions) st.roles.get(body.role).add(p);
        return { status: 'OK', createdNewRole: created };
      }
      case 'DELETE /userroles/role': {
        need(q.get('role'), "Required parameter 'role' is missing");
        const existed = st.roles.delete(q.get('role'));
        for (const s of st.userRoles.values()) s.delete(q.get('role'));
        return { status: 'OK', didRoleExist: existed };
      }
      case 'GET /userroles/role/permissions': {
        const p = st.roles.get(q.get('role'));
        return p ? { status: 'OK', permissions: [...p] } : { status: 'UNKNOWN_ROLE_ERROR' };
      }
      case 'PUT /userroles/role/permissions/remove': {
        const p = st.roles.get(body?.role);
        if (!p) return { status: 'UNKNOWN_ROLE_ERROR' };
        for (const x of body.permissions || []) p.delete(x);
        return { status: 'OK' };
      }
      case 'GET /userroles/user/roles':
        return { status: 'OK', roles: [...(st.userRoles.get(`${tenant}|${q.get('userId')}`) || [])] };
      case 'PUT /userroles/user/roles': {
        if (!st.roles.has(body?.role)) return { status: 'UNKNOWN_ROLE_ERROR' };
        const k = `${tenant}|${body.userId}`;
        const s = st.userRoles.get(k) || new Set();
        const had = s.has(body.role);
        s.add(body.role);
        st.userRoles.set(k, s);
        return { status: 'OK', didUserAlreadyHaveRole: had };
      }
      case 'DELETE /userroles/user/roles': {
        if (!st.roles.has(q.get('role'))) return { status: 'UNKNOWN_ROLE_ERROR' };
        const s = st.userRoles.get(`${tenant}|${q.get('userId')}`);
        const had = !!s && s.delete(q.get('role'));
        return { status: 'OK', didUserHaveRole: had };
      }
      default:
        throw { status: 404, body: { message: 'Not found' } };
    }
  }

  /** handle answers a mock API or control request; it returns false for anything else. */
  async function handle(req, res) {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/__mock/reset') {
      const q = url.searchParams;
      opts = { ...defaultOptions() };
      if (q.get('seed')) opts.seed = q.get('seed');
      if (q.get('authMode')) opts.authMode = q.get('authMode');
      if (q.get('coreAPIKeyRequired')) opts.coreAPIKeyRequired = q.get('coreAPIKeyRequired') === 'true';
      if (q.get('passwordless')) opts.passwordless = q.get('passwordless') === 'true';
      if (q.get('delay')) opts.delay = Number(q.get('delay'));
      seed();
      send(res, 200, { status: 'OK', options: opts });
      return true;
    }
    if (url.pathname === '/__mock/permission') {
      const u = st.dashUsers[url.searchParams.get('email')];
      if (u) u.canWrite = url.searchParams.get('canWrite') === 'true';
      send(res, 200, { status: u ? 'OK' : 'UNKNOWN' });
      return true;
    }
    if (url.pathname === '/__mock/expire') {
      st.tokens.clear();
      send(res, 200, { status: 'OK' });
      return true;
    }
    const m = new RegExp(`^${API_BASE}(?:/([a-zA-Z0-9-]+))?/dashboard/api(/.*)$`).exec(url.pathname);
    if (!m) return false;
    const tenant = m[1] || 'public';
    const path = m[2];
    const method = req.method;
    const body = method === 'POST' || method === 'PUT' ? await readBody(req) : undefined;
    if (opts.delay) await new Promise((r) => setTimeout(r, opts.delay));
    if ((method === 'POST' || method === 'PUT') && body === null) return send(res, 400, { message: 'Invalid JSON body' }), true;

    // Unprotected endpoints.
    if (method === 'POST' && path === '/signin') {
      if (!body?.email) return send(res, 400, { message: "Missing required parameter 'email'" }), true;
      if (!body?.password) return send(res, 400, { message: "Missing required parameter 'password'" }), true;
      const u = st.dashUsers[String(body.email).toLowerCase()];
      if (!u || u.password !== body.password) return send(res, 200, { status: 'INVALID_CREDENTIALS_ERROR' }), true;
      if (u.suspended) return send(res, 200, { status: 'USER_SUSPENDED_ERROR', message: 'User is suspended' }), true;
      const token = uuid(rng(Date.now()));
      st.tokens.set(token, String(body.email).toLowerCase());
      return send(res, 200, { status: 'OK', sessionId: token }), true;
    }
    const bearer = (req.headers.authorization || '').replace(/^Bearer\s+/i, '').trim();
    if (method === 'POST' && path === '/key/validate') {
      return opts.authMode === 'api-key' && bearer === 'dev-api-key'
        ? (send(res, 200, { status: 'OK' }), true)
        : (send(res, 401, { message: 'Unauthorised access' }), true);
    }

    // Protected endpoints (GET /me answers INVALID_SESSION_ERROR instead of a 401, as the SDK).
    const refuse = () =>
      method === 'GET' && path === '/me'
        ? (send(res, 200, { status: 'INVALID_SESSION_ERROR' }), true)
        : (send(res, 401, { message: 'Unauthorised access' }), true);
    let auth;
    if (opts.authMode === 'api-key') {
      if (bearer !== 'dev-api-key') return refuse();
      auth = { email: 'apikey@example.com', canWrite: true, token: '' };
    } else {
      const email = st.tokens.get(bearer);
      if (!email) return refuse();
      auth = { email, canWrite: st.dashUsers[email].canWrite, token: bearer };
    }
    const isWrite = (method !== 'GET' && path !== '/signout' && path !== '/analytics') || path === '/user/unlink';
    if (isWrite && !auth.canWrite) return send(res, 403, { message: 'You are not permitted to perform this operation' }), true;
    try {
      send(res, 200, await route(method, path, tenant, url.searchParams, body, auth));
    } catch (e) {
      if (e && e.status) send(res, e.status, e.body);
      else {
        console.error(e);
        send(res, 500, { message: 'Internal error' });
      }
    }
    return true;
  }

  return { handle, injectHead, config };
}
