// A real OpenID provider for the tests: the certified `oidc-provider` package
// (package.json), on 127.0.0.1, configured from the environment by
// tests/oidc_provider.py. Not for production use.
//
//   PORT             port to listen on
//   CLIENTS          JSON list of {client_id, client_secret, redirect_uris, post_logout_redirect_uris}
//   ACCOUNTS         JSON object login -> {email, email_verified, name, groups}; a login
//                    not listed that looks like an email address is that address, verified
//   ID_TOKEN_TTL     seconds an ID token is valid (default 3600)
//
// Sign-in uses the package's development interactions: a form that takes any
// login name. Consent is given by the provider itself (loadExistingGrant), as a
// company's own provider does for an application its admins registered.
import { generateKeyPairSync, randomUUID } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.CLIENTS || '[]').map((client) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  ...client,
}));
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');

function claimsOf(login) {
  const listed = accounts[login];
  if (listed) return listed;
  return { email: login, email_verified: true, name: login.split('@')[0], groups: [] };
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomUUID()] },
  pkce: { required: () => true },
  ttl: { IdToken: Number(process.env.ID_TOKEN_TTL || 3600) },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified', 'xms_edov'],
    profile: ['name'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false, // scope claims go in the ID token, as Entra ID and Okta can be set to do
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...claimsOf(id) };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
