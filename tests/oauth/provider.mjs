// A certified OpenID provider (panva's oidc-provider) on loopback, for grounded's OAuth
// end-to-end test (tests/clients/python_oauth_client.py). Not for any real use: every
// login name is accepted without a password.
//
//   node tests/oauth/provider.mjs [--port N]     (N = 0, the default, lets the system choose)
//
// Prints `provider: listening on http://127.0.0.1:PORT` once it serves; that URL is the
// issuer. What it offers, and why:
// - open dynamic client registration (RFC 7591), as MCP clients register themselves;
// - resource indicators (RFC 8707): the access token is a JWT (RS256) whose `aud` is the
//   resource the client asked for, so grounded can check the audience;
// - scopes grounded:read and grounded:write (and other:read, which grounded does not
//   know), PKCE required for every client;
// - its own login and consent pages (plain HTML forms) that a test drives over HTTP: the
//   login form takes any name; the consent form lists the scopes as checkboxes, and an
//   unchecked scope is refused, so a test can obtain a read-only token;
// - access tokens carry the account's `name` and `email`, which grounded uses as author;
// - a client whose registered client_name contains `expires_in=N` gets access tokens that
//   expire N seconds after issue (N < 0: already expired), so a test can present a real
//   expired token without waiting out a resource server's clock-skew leeway;
// - POST /_test/rotate replaces the signing key: the JWKS then holds only a new key with a
//   new kid, and new tokens are signed with it.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

// `other:read` is a scope grounded does not know: a token granted only it is valid but
// carries neither of grounded's scopes (the resource server must answer 403, not 200).
const RESOURCE_SCOPES = ['grounded:read', 'grounded:write', 'other:read'];
const NAMES = { maya: 'Maya Chen', sam: 'Sam Okafor' };

function account(login) {
  const name = NAMES[login] ?? login.charAt(0).toUpperCase() + login.slice(1);
  return { sub: login, name, email: `${login}@example.test` };
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

// A client registered with `expires_in=N` in its client_name gets access tokens that expire
// N seconds after issue; N may be negative, for a token that is already expired when issued.
function accessTokenTTL(client) {
  const asked = client?.clientName?.match(/expires_in=(-?\d+)/);
  return asked ? Number(asked[1]) : 3600;
}

function build(issuer, key) {
  const provider = new Provider(issuer, {
    jwks: { keys: [key] },
    // Fixed keys for cookie signing: this provider lives only as long as one test run.
    cookies: { keys: ['grounded-oauth-test-cookie-key'] },
    // The grounded scopes must be listed here too: dynamic registration only accepts a
    // client `scope` made of the provider's listed scopes, and the SDK registers with one.
    scopes: ['openid', 'offline_access', ...RESOURCE_SCOPES],
    claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Without a resource parameter there is no audience to put in a JWT; such a flow
        // gets an opaque token for the userinfo endpoint only, which grounded would refuse.
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resourceIndicator, client) => ({
          scope: RESOURCE_SCOPES.join(' '),
          audience: resourceIndicator,
          accessTokenTTL: accessTokenTTL(client),
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    // Set explicitly, which also keeps oidc-provider from printing a notice for each default.
    ttl: {
      AccessToken: (ctx, token, client) => token.resourceServer?.accessTokenTTL ?? accessTokenTTL(client),
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 86400,
      Session: 86400,
    },
    findAccount: (ctx, sub) => ({ accountId: sub, claims: () => account(sub) }),
    extraTokenClaims: (ctx, token) => {
      if (!token.accountId) return undefined;
      const { name, email } = account(token.accountId);
      return { name, email };
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  });
  // Print why a request failed; the test shows this output when it fails.
  provider.on('server_error', (ctx, err) => console.error('provider: server_error', err));
  provider.on('authorization.error', (ctx, err) => console.error('provider: authorization error', err.message, err.error_description ?? ''));
  provider.on('grant.error', (ctx, err) => console.error('provider: token error', err.message, err.error_description ?? ''));
  provider.on('registration_create.error', (ctx, err) => console.error('provider: registration error', err.message, err.error_description ?? ''));
  return provider;
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, title, body) {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html><head><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`);
}

async function form(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

// The login and consent pages. oidc-provider leaves these to the host application.
async function interaction(provider, req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction cookie does not match the page');
  const { prompt, params, session, grantId } = details;

  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login') {
      return page(res, 'Sign in', `<form method="post" action="/interaction/${uid}/login">
<label>Login <input name="login" autofocus></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button></form>`);
    }
    const requested = new Set([
      ...(prompt.details.missingOIDCScope ?? []),
      ...Object.values(prompt.details.missingResourceScopes ?? {}).flat(),
    ]);
    const boxes = [...requested].map((scope) => `<label><input type="checkbox" name="scope" value="${escape(scope)}" checked> ${escape(scope)}</label>`);
    return page(res, 'Authorize', `<p>${escape(params.client_id)} asks for access to ${escape(Object.keys(prompt.details.missingResourceScopes ?? {}).join(', ') || 'your account')}.</p>
<form method="post" action="/interaction/${uid}/confirm">${boxes.join('\n')}
<button type="submit">Allow</button></form>`);
  }

  if (req.method === 'POST' && action === 'login' && prompt.name === 'login') {
    const login = (await form(req)).get('login')?.trim();
    if (!login) return page(res, 'Sign in', '<p>A login name is required.</p>');
    return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }

  if (req.method === 'POST' && action === 'confirm' && prompt.name === 'consent') {
    const allowed = new Set((await form(req)).getAll('scope'));
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    // What the user left unchecked is recorded as refused, so the provider does not ask
    // again and issues a token with only the allowed scopes.
    const split = (scopes) => [scopes.filter((s) => allowed.has(s)), scopes.filter((s) => !allowed.has(s))];
    const [oidcAllowed, oidcRefused] = split(prompt.details.missingOIDCScope ?? []);
    if (oidcAllowed.length) grant.addOIDCScope(oidcAllowed.join(' '));
    if (oidcRefused.length) grant.rejectOIDCScope(oidcRefused.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
      const [yes, no] = split(scopes);
      if (yes.length) grant.addResourceScope(resource, yes.join(' '));
      if (no.length) grant.rejectResourceScope(resource, no.join(' '));
    }
    const saved = await grant.save();
    return provider.interactionFinished(req, res, { consent: grantId ? {} : { grantId: saved } }, { mergeWithLastSubmission: true });
  }

  res.writeHead(400, { 'content-type': 'text/plain' });
  return res.end(`unexpected ${req.method} for the ${prompt.name} step\n`);
}

function parsePort(argv) {
  const at = argv.indexOf('--port');
  const port = at === -1 ? 0 : Number(argv[at + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('usage: node provider.mjs [--port N]');
    process.exit(2);
  }
  return port;
}

// One outer server owns the port; it hands requests to the current Provider, which
// POST /_test/rotate replaces by one signing with a new key (same issuer). oidc-provider
// keeps its in-memory state per process, so registered clients stay known after a rotation.
let provider;
let callback;
let issuer;

const server = http.createServer(async (req, res) => {
  try {
    const { pathname } = new URL(req.url, issuer);
    if (req.method === 'POST' && pathname === '/_test/rotate') {
      const key = signingKey();
      provider = build(issuer, key);
      callback = provider.callback();
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ kid: key.kid }));
    }
    const step = pathname.match(/^\/interaction\/([^/]+)(?:\/(login|confirm))?$/);
    if (step) return await interaction(provider, req, res, step[1], step[2]);
    return callback(req, res);
  } catch (err) {
    console.error('provider:', err);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    return res.end(`${err.name}: ${err.message}\n`);
  }
});

server.listen(parsePort(process.argv), '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  provider = build(issuer, signingKey());
  callback = provider.callback();
  process.stdout.write(`provider: listening on ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
