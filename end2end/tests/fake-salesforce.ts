// A tiny Salesforce org for the browser walk-through: the OAuth authorize page (approves at
// once, PKCE checked at the token endpoint), the token endpoint, query/queryAll with the
// limit header, and revoke. The thorough fake (paging, failures, write-back) is the Rust one
// in server/tests/it; this one only lets a browser go through the real redirects.
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export const CLIENT_ID = '3MVG9e2e.client';
export const CLIENT_SECRET = 'e2e-secret';

export interface FakeOrg {
  url: string;
  leads: Record<string, unknown>[];
  revoked: string[];
  close: () => Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
  });
}

/** The standard fields of each object the connector syncs. */
const FIELDS: Record<string, string[]> = {
  Lead: ['FirstName', 'LastName', 'Email', 'Phone', 'Title', 'Company', 'Website', 'Industry',
    'NumberOfEmployees', 'Country', 'LeadSource', 'Status', 'OwnerId'],
  Contact: ['FirstName', 'LastName', 'Title', 'Email', 'Phone', 'AccountId', 'OwnerId'],
  Account: ['Name', 'Website', 'Industry', 'NumberOfEmployees', 'AnnualRevenue', 'BillingCountry',
    'BillingState', 'OwnerId'],
  Opportunity: ['Name', 'AccountId', 'Amount', 'CloseDate', 'StageName', 'NextStep', 'OwnerId'],
};

export async function startFakeOrg(): Promise<FakeOrg> {
  const codes = new Map<string, { challenge: string; redirect: string }>();
  const tokens = new Set<string>();
  let used = 10;
  const org: FakeOrg = { url: '', leads: [], revoked: [], close: async () => {} };
  const send = (res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(json));
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', org.url);
    if (url.pathname === '/services/oauth2/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== CLIENT_ID || q.get('code_challenge_method') !== 'S256') {
        res.writeHead(400).end('invalid client');
        return;
      }
      const code = `code-${Math.random().toString(36).slice(2)}`;
      codes.set(code, { challenge: q.get('code_challenge')!, redirect: q.get('redirect_uri')! });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state')!);
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (url.pathname === '/services/oauth2/token') {
      const form = new URLSearchParams(await body(req));
      const pending = codes.get(form.get('code') ?? '');
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (!pending || pending.challenge !== challenge || form.get('client_secret') !== CLIENT_SECRET
        || pending.redirect !== form.get('redirect_uri')) {
        send(res, 400, { error: 'invalid_grant', error_description: 'authentication failure' });
        return;
      }
      codes.delete(form.get('code')!);
      const token = `access-${Math.random().toString(36).slice(2)}`;
      tokens.add(token);
      send(res, 200, {
        access_token: token, refresh_token: `refresh-${token}`, instance_url: org.url,
        id: `${org.url}/id/00D000000000E2EAAA/005000000000E2EAAA`, token_type: 'Bearer',
      });
      return;
    }
    if (url.pathname === '/services/oauth2/revoke') {
      org.revoked.push(new URLSearchParams(await body(req)).get('token') ?? '');
      res.writeHead(200).end();
      return;
    }
    // Describe: the fields a new org has (a run reads it before it queries).
    const d = url.pathname.match(/^\/services\/data\/v[\d.]+\/sobjects\/(\w+)\/describe$/);
    if (d) {
      const names = ['Id', 'SystemModstamp', 'CreatedDate', ...(FIELDS[d[1]] ?? [])];
      send(res, 200, {
        name: d[1],
        fields: names.map((name) => ({ name, label: name, type: 'string', custom: false, updateable: name !== 'Id' })),
      }, { 'sforce-limit-info': `api-usage=${++used}/15000` });
      return;
    }
    const m = url.pathname.match(/^\/services\/data\/v[\d.]+\/(query|queryAll)$/);
    if (m) {
      const auth = (req.headers.authorization ?? '').replace('Bearer ', '');
      if (!tokens.has(auth)) {
        send(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
        return;
      }
      used += 1;
      const q = url.searchParams.get('q') ?? '';
      const records = m[1] === 'query' && q.includes('FROM Lead') && !q.includes('WHERE') ? org.leads : [];
      send(res, 200, { totalSize: records.length, done: true, records },
        { 'sforce-limit-info': `api-usage=${used}/15000` });
      return;
    }
    send(res, 404, [{ message: 'not found', errorCode: 'NOT_FOUND' }]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  org.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Our server's HTTP client keeps idle connections to the org open; close() alone would
  // wait for them to time out.
  org.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return org;
}
