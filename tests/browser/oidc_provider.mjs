// A real OpenID provider for the browser tests: npm's oidc-provider (pinned by this
// folder's lock file) on a free loopback port, with one confidential client for raciflow
// and people whose `groups` claim the organisation file maps to roles.
//
// The port is taken before raciflow starts (raciflow needs the issuer URL), the client is
// registered once raciflow's own address is known (the provider needs the redirect URI).
import { createServer } from "node:http";
import Provider from "oidc-provider";

export const clientId = "raciflow-browser-test";
export const clientSecret = "browser-test-client-secret";

// accounts: { login: { email, name, groups } }; a login the map does not hold still signs
// in at the provider (any password), as a person raciflow does not know.
export async function startProvider(accounts) {
  let handler = null;
  const server = createServer((req, res) => {
    if (handler) return handler(req, res);
    res.statusCode = 503;
    res.end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;

  return {
    issuer,
    // Registers raciflow at `base` (http://127.0.0.1:PORT) and starts answering.
    register(base) {
      const provider = new Provider(issuer, {
        clients: [{
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [base + "/api/sso/callback"],
          post_logout_redirect_uris: [base + "/"],
          grant_types: ["authorization_code"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_basic",
        }],
        claims: { openid: ["sub"], profile: ["name", "groups"], email: ["email", "email_verified"] },
        // The claims in the ID token itself, as Entra ID and Keycloak put them.
        conformIdTokenClaims: false,
        pkce: { required: () => true },
        cookies: { keys: ["browser-test-cookie-key"] },
        findAccount: async (ctx, id) => ({
          accountId: id,
          async claims() {
            const a = accounts[id] || { email: id + "@elsewhere.example", name: id, groups: [] };
            return { sub: id, email: a.email, email_verified: true, name: a.name, groups: a.groups };
          },
        }),
        // The organisation's own application: no consent screen.
        async loadExistingGrant(ctx) {
          const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
          grant.addOIDCScope("openid profile email");
          await grant.save();
          return grant;
        },
        features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
      });
      handler = provider.callback();
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
