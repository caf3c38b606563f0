// A real OpenID provider for the single sign-on tests (npm oidc-provider, pinned in package.json): its dev
// interactions are the login form (any login, any password) and the consent page; accounts and their groups are
// given by the test. The gateway is registered as a confidential client with its callback as redirect URI.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './helpers.mjs';

/**
 * Starts a provider on 127.0.0.1:<free port>. `users`: {login: {name, groups}}; `redirectUris`: the gateways'
 * /api/v1/sso/callback. Resolves with {issuer, clientId, clientSecret, publicClientId, close}: a confidential client
 * and a public one (no secret: PKCE alone), both allowed to send to every redirect URI.
 */
export async function startProvider({ users, redirectUris }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'siteconnect-gateway';
  const clientSecret = randomBytes(24).toString('base64url');
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
    }, {
      client_id: `${clientId}-public`,
      token_endpoint_auth_method: 'none',
      redirect_uris: redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
    }],
    // groups is a scope of its own; the provider puts it in userinfo, not in the id_token (conformIdTokenClaims)
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
    async findAccount(ctx, id) {
      const user = users[id] ?? { name: id, groups: [] };
      return { accountId: id, claims: async () => ({ sub: id, name: user.name, preferred_username: id, groups: user.groups }) };
    },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    features: { devInteractions: { enabled: true } },
  });
  provider.on('server_error', (ctx, err) => console.error('oidc-provider:', err));
  const server = http.createServer(provider.callback());
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    issuer,
    clientId,
    clientSecret,
    publicClientId: `${clientId}-public`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/** At the provider's dev login form: signs in as `login`, then accepts the consent page if one comes. */
export async function signInAtProvider(page, login, gatewayOrigin) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  const consent = page.locator('input[name="prompt"][value="consent"]');
  const where = await Promise.race([
    consent.waitFor({ state: 'attached', timeout: 30_000 }).then(() => 'consent'),
    page.waitForURL((u) => u.href.startsWith(gatewayOrigin), { timeout: 30_000 }).then(() => 'gateway'),
  ]);
  if (where === 'consent') await page.locator('button[type="submit"]').click();
}
