#!/usr/bin/env node
// Reads a V8 CPU profile (node --cpu-prof) and prints where the time went: busy vs idle, self time
// by package (node_modules/<name>, our own libs and services, Node core, GC) and the top frames by
// self time. For the benchmarks' --profile option (scripts/bench/api.mjs, broadcast.mjs).
// Usage: node scripts/bench/lib/cpu-profile-top.mjs FILE.cpuprofile [--top 30] [--last SECONDS]
// (--last: only the profile's last SECONDS, e.g. the measured run without the seeding before it)
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Summarises a profile: `{ totalMs, idleMs, byGroup: [[group, ms]], top: [[frame, ms]] }`, self
 * time in milliseconds. A frame's group is its npm package, `@cms/<lib>` or `service:<name>` for
 * our code, `node` for Node core, or the V8 pseudo-frame's name ((garbage collector), (program)).
 */
export function summariseProfile(profile, { lastSeconds = Infinity } = {}) {
  const { nodes, samples, timeDeltas } = profile;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const self = new Map();
  // With lastSeconds, only the samples of the profile's last seconds (e.g. the measured run, not
  // the seeding before it).
  const total = timeDeltas.reduce((a, d) => a + d, 0);
  const from = total - lastSeconds * 1e6;
  let at = 0;
  samples.forEach((id, i) => {
    at += timeDeltas[i] ?? 0;
    if (at >= from) self.set(id, (self.get(id) ?? 0) + (timeDeltas[i] ?? 0) / 1000);
  });
  const groupOf = (url) => {
    if (!url) return null;
    const nm = url.lastIndexOf('node_modules/');
    if (nm >= 0) {
      const parts = url.slice(nm + 'node_modules/'.length).split('/');
      return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    }
    const lib = url.match(/\/libs\/([^/]+)\//);
    if (lib) return `@cms/${lib[1]}`;
    const svc = url.match(/\/services\/([^/]+)\//);
    if (svc) return `service:${svc[1]}`;
    if (url.startsWith('node:') || !url.includes('/')) return 'node';
    return path.basename(url);
  };
  const byGroup = new Map();
  const byFrame = new Map();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id);
    const { functionName, url, lineNumber } = n.callFrame;
    totalMs += ms;
    if (functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const group = groupOf(url) ?? functionName ?? '?';
    byGroup.set(group, (byGroup.get(group) ?? 0) + ms);
    const frame = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(libs|services)\//, '$1/')}:${lineNumber + 1}` : ''}`;
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + ms);
  }
  // Inclusive time of our own functions (libs and services): each sample counts once for every
  // distinct such function on its stack.
  const parent = new Map();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map();
  for (const [id, ms] of self) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const { functionName, url, lineNumber } = byId.get(cur).callFrame;
      const g = groupOf(url);
      if (!g || !(g.startsWith('@cms/') || g.startsWith('service:'))) continue;
      const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(libs|services)\//, '$1/')}:${lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs, idleMs, byGroup: sorted(byGroup), top: sorted(byFrame), ours: sorted(inclusive) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  const topAt = process.argv.indexOf('--top');
  const TOP = topAt > 0 ? Number(process.argv[topAt + 1]) : 30;
  const lastAt = process.argv.indexOf('--last');
  const lastSeconds = lastAt > 0 ? Number(process.argv[lastAt + 1]) : Infinity;
  if (!file) {
    console.error('usage: cpu-profile-top.mjs FILE.cpuprofile [--top 30] [--last SECONDS]');
    process.exit(2);
  }
  const s = summariseProfile(JSON.parse(readFileSync(file, 'utf8')), { lastSeconds });
  const busy = s.totalMs - s.idleMs;
  const pct = (ms) => `${((100 * ms) / busy).toFixed(1)}%`.padStart(6);
  console.log(
    `profile ${(s.totalMs / 1000).toFixed(1)} s, busy ${(busy / 1000).toFixed(1)} s (idle ${(s.idleMs / 1000).toFixed(1)} s)`,
  );
  console.log('\nself time by package (% of busy):');
  for (const [g, ms] of s.byGroup.slice(0, 25))
    console.log(`${pct(ms)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${g}`);
  console.log(`\ntop ${TOP} frames by self time:`);
  for (const [f, ms] of s.top.slice(0, TOP))
    console.log(`${pct(ms)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${f}`);
  console.log(`\ntop ${TOP} of our functions (libs, services) by inclusive time:`);
  for (const [f, ms] of s.ours.slice(0, TOP))
    console.log(`${pct(ms)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${f}`);
}
