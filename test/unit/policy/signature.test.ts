import { createHash, createPublicKey } from 'node:crypto';

import { expect } from 'chai';

import { readBundleFiles } from '../../../src/policy/bundle.js';
import { canonicalJson } from '../../../src/policy/signature/canonical-json.js';
import { loadSigningKey } from '../../../src/policy/signature/key.js';
import {
  BundleSignatureError,
  type SignaturePolicy,
  verifyBundleSignature,
} from '../../../src/policy/signature/verify.js';
import { buildGatewayBundle, writeKeyPair } from '../../helpers/policy-bundle.js';
import { tempDir } from '../../helpers/tmp.js';

describe('bundle signatures (.signatures.json, as "opa build --signing-key" writes them)', function () {
  this.timeout(60_000);
  const tmp = tempDir('signature');
  let signed: Map<string, Buffer>;
  let signedEc: Map<string, Buffer>;
  let scoped: Map<string, Buffer>;
  let unsigned: Map<string, Buffer>;
  let rsa: ReturnType<typeof writeKeyPair>;
  let ec: ReturnType<typeof writeKeyPair>;
  let other: ReturnType<typeof writeKeyPair>;
  const policy = (overrides: Partial<SignaturePolicy> = {}): SignaturePolicy => ({
    key: createPublicKey(rsa.publicPem),
    required: false,
    scope: '',
    ...overrides,
  });

  before(async () => {
    rsa = writeKeyPair(tmp.path, 'rsa');
    ec = writeKeyPair(tmp.path, 'ec', 'ec');
    other = writeKeyPair(tmp.path, 'other');
    signed = await readBundleFiles(
      await buildGatewayBundle(tmp.path, 'signed', { revision: 'r1', signingKey: rsa.privateKey }),
    );
    signedEc = await readBundleFiles(
      await buildGatewayBundle(tmp.path, 'signed-ec', {
        revision: 'r1',
        signingKey: ec.privateKey,
        signingAlg: 'ES256',
      }),
    );
    scoped = await readBundleFiles(
      await buildGatewayBundle(tmp.path, 'scoped', { revision: 'r1', signingKey: rsa.privateKey, scope: 'prod' }),
    );
    unsigned = await readBundleFiles(await buildGatewayBundle(tmp.path, 'unsigned', { revision: 'r1' }));
  });
  after(() => tmp.remove());

  async function expectRefused(files: ReadonlyMap<string, Buffer>, settings: SignaturePolicy, fragment: string) {
    try {
      await verifyBundleSignature(files, settings);
    } catch (error) {
      expect(error).to.be.instanceOf(BundleSignatureError);
      expect((error as Error).message).to.include(fragment);
      return;
    }
    expect.fail(`expected the bundle to be refused (${fragment})`);
  }

  it('verifies a bundle signed by opa with RS256, and one with ES256', async () => {
    expect(await verifyBundleSignature(signed, policy())).to.deep.equal({ outcome: 'verified', keyId: 'default' });
    const check = await verifyBundleSignature(signedEc, policy({ key: createPublicKey(ec.publicPem) }));
    expect(check.outcome).to.equal('verified');
  });

  it('refuses a bundle whose file was altered after signing', async () => {
    const tampered = new Map(signed);
    const wasm = Buffer.from(signed.get('/policy.wasm') as Buffer);
    wasm[wasm.length - 1] = (wasm[wasm.length - 1] as number) ^ 1;
    tampered.set('/policy.wasm', wasm);
    await expectRefused(tampered, policy(), 'its file /policy.wasm does not match the hash');
  });

  it('refuses altered data, but not data only re-formatted (OPA hashes JSON files in canonical form)', async () => {
    const reformatted = new Map(signed);
    const manifest = JSON.parse((signed.get('/.manifest') as Buffer).toString()) as Record<string, unknown>;
    reformatted.set('/.manifest', Buffer.from(JSON.stringify(manifest, null, 2)));
    const data = JSON.parse((signed.get('/data.json') as Buffer).toString()) as unknown;
    reformatted.set('/data.json', Buffer.from(JSON.stringify(data, null, 2) + '\n'));
    expect((await verifyBundleSignature(reformatted, policy())).outcome).to.equal('verified');
    const altered = new Map(signed);
    altered.set('/data.json', Buffer.from('{"config": {"admin_groups": ["everyone"]}}'));
    await expectRefused(altered, policy(), 'its file /data.json does not match the hash');
    const revised = new Map(signed);
    revised.set('/.manifest', Buffer.from(JSON.stringify({ ...manifest, revision: 'r2' })));
    await expectRefused(revised, policy(), 'its file /.manifest does not match the hash');
  });

  it('refuses a bundle missing a signed file, or holding a file the signature does not list', async () => {
    const missing = new Map(signed);
    missing.delete('/mlgate/authz/authz.rego');
    await expectRefused(
      missing,
      policy(),
      'its signature lists /mlgate/authz/authz.rego, which the bundle does not hold',
    );
    const extra = new Map(signed);
    extra.set('/mlgate/authz/extra.rego', Buffer.from('package mlgate.authz\n'));
    await expectRefused(extra, policy(), 'it holds file(s) its signature does not list: /mlgate/authz/extra.rego');
  });

  it('refuses a signature made with another key, and a signed bundle when no key is configured', async () => {
    await expectRefused(
      signed,
      policy({ key: createPublicKey(other.publicPem) }),
      'does not verify with policy.signing_key',
    );
    await expectRefused(signedEc, policy(), 'does not verify with policy.signing_key');
    await expectRefused(signed, policy({ key: null }), 'no policy.signing_key is configured');
  });

  it('refuses a payload re-written to cover a tampered file (header and signature kept)', async () => {
    const [header, payload, signature] = (
      JSON.parse((signed.get('/.signatures.json') as Buffer).toString()) as { signatures: string[] }
    ).signatures[0]?.split('.') as [string, string, string];
    const wasm = Buffer.from(signed.get('/policy.wasm') as Buffer);
    wasm[wasm.length - 1] = (wasm[wasm.length - 1] as number) ^ 1;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      files: { name: string; hash: string }[];
    };
    for (const file of claims.files) {
      if (file.name === 'policy.wasm') file.hash = createHash('sha256').update(wasm).digest('hex');
    }
    const forged = new Map(signed);
    forged.set('/policy.wasm', wasm);
    const rewritten = Buffer.from(JSON.stringify(claims)).toString('base64url');
    forged.set(
      '/.signatures.json',
      Buffer.from(JSON.stringify({ signatures: [`${header}.${rewritten}.${signature}`] })),
    );
    await expectRefused(forged, policy(), 'does not verify with policy.signing_key');
  });

  it('refuses an unsigned bundle when a signature is required, and accepts it otherwise', async () => {
    expect(await verifyBundleSignature(unsigned, policy())).to.deep.equal({ outcome: 'unsigned' });
    expect(await verifyBundleSignature(unsigned, policy({ key: null }))).to.deep.equal({ outcome: 'unsigned' });
    await expectRefused(unsigned, policy({ required: true }), 'it is not signed');
  });

  it('refuses a .signatures.json that is not one signature, and an unsigned JWS', async () => {
    const two = new Map(signed);
    const { signatures } = JSON.parse((signed.get('/.signatures.json') as Buffer).toString()) as {
      signatures: string[];
    };
    const jws = signatures[0] as string;
    two.set('/.signatures.json', Buffer.from(JSON.stringify({ signatures: [jws, jws] })));
    await expectRefused(two, policy(), 'exactly one signature');
    const none = new Map(signed);
    const [, payload] = jws.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    none.set('/.signatures.json', Buffer.from(JSON.stringify({ signatures: [`${header}.${payload}.`] })));
    await expectRefused(none, policy(), 'does not verify');
    const broken = new Map(signed);
    broken.set('/.signatures.json', Buffer.from('{'));
    await expectRefused(broken, policy(), 'not valid JSON');
  });

  it('checks the scope: a scoped signature needs policy.signing_scope, and the other way round', async () => {
    expect((await verifyBundleSignature(scoped, policy({ scope: 'prod' }))).outcome).to.equal('verified');
    await expectRefused(scoped, policy(), 'scope "prod" is not policy.signing_scope ""');
    await expectRefused(signed, policy({ scope: 'prod' }), 'scope "" is not policy.signing_scope "prod"');
  });

  it('reads policy.signing_key inline or from a file, and refuses what is not a public key', () => {
    expect(loadSigningKey('')).to.equal(null);
    expect(loadSigningKey(rsa.publicPem)?.type).to.equal('public');
    expect(loadSigningKey(rsa.publicKey)?.asymmetricKeyType).to.equal('rsa');
    expect(() => loadSigningKey(rsa.privateKey)).to.throw(/a private key/);
    expect(() => loadSigningKey('/nonexistent/key.pem')).to.throw(/cannot be read from/);
  });
});

describe('canonical JSON (the form OPA hashes data.json and .manifest in)', () => {
  it('sorts keys, drops whitespace and keeps numbers as written', () => {
    expect(canonicalJson('{ "b": [1.0, 2e3, -0], "a": {"z": null, "y": true} }')).to.equal(
      '{"a":{"y":true,"z":null},"b":[1.0,2e3,-0]}',
    );
  });

  it("writes strings as Go's encoder does (no HTML escaping, U+2028 escaped)", () => {
    expect(canonicalJson('{"k": "<a>&\\u2028\\u00e9\\n"}')).to.equal('{"k":"<a>&\\u2028é\\n"}');
  });

  it('refuses text that is not JSON', () => {
    for (const text of ['{', '{"a":1,}', '[1 2]', 'nul', '"\u0001"', '{"a":1} x']) {
      expect(() => canonicalJson(text), text).to.throw(SyntaxError);
    }
  });
});
