#!/usr/bin/env node
// Prints a development bearer token: `npm run -s token -- caseworker sensitive-access`.
// Signed with the development secret in .data/secrets.json (made by `npm start`), or
// AUTH_JWT_SECRET when set. Never for production (use the identity provider's JWKS there).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROLES = ['caseworker', 'team-leader', 'sensitive-access', 'system'];
const roles = process.argv.slice(2);
if (!roles.length || roles.some((r) => !ROLES.includes(r))) {
  console.error(`usage: npm run -s token -- <role…>   roles: ${ROLES.join(', ')}`);
  process.exit(2);
}
const secretsFile = path.join(root, '.data/secrets.json');
const secret =
  process.env.AUTH_JWT_SECRET ??
  (existsSync(secretsFile) ? JSON.parse(readFileSync(secretsFile, 'utf8')).AUTH_JWT_SECRET : null);
if (!secret) {
  console.error('No development secret yet: run `npm start` once, or set AUTH_JWT_SECRET.');
  process.exit(1);
}
const subject = `dev-${roles.join('-')}`;
const token = await new SignJWT({ roles, name: subject })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject(subject)
  .setIssuer('cms-cis-dev')
  .setAudience('cms-cis')
  .setIssuedAt()
  .setExpirationTime('12h')
  .sign(new TextEncoder().encode(secret));
console.log(token);
