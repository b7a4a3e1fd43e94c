#!/usr/bin/env node
// Generates docs/sr-status-rules.md from the SR rule table in libs/sr-rules, so the docs can never
// disagree with the rules the services run.
//
// Usage (from the repository root):
//   npm run sr-rules:docs                        # build @cms/domain and @cms/sr-rules, then write the file
//   node scripts/sr-rules-docs.mjs --check       # exit 1 when docs/sr-status-rules.md is stale (CI)
//   node scripts/sr-rules-docs.mjs --no-build    # use libs/*/dist as they are (faster; may be stale)
//
// The library is TypeScript, so this script loads its built output (libs/sr-rules/dist, which
// requires @cms/domain → libs/domain/dist). Unless --no-build is given it first runs
//   tsc -p libs/domain/tsconfig.build.json && tsc -p libs/sr-rules/tsconfig.build.json
// tsc still emits when a type error elsewhere makes it exit non-zero; the script then warns and
// goes on if the output loads.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'docs', 'sr-status-rules.md');
const args = new Set(process.argv.slice(2));
const check = args.has('--check');

function build() {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const project of ['libs/domain/tsconfig.build.json', 'libs/sr-rules/tsconfig.build.json']) {
    const run = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, encoding: 'utf8' });
    if (run.status !== 0) {
      process.stderr.write(`warning: tsc -p ${project} exited ${run.status}:\n${run.stdout}${run.stderr}\n`);
    }
  }
}

if (!args.has('--no-build')) build();
const distEntry = path.join(root, 'libs', 'sr-rules', 'dist', 'index.js');
if (!existsSync(distEntry)) {
  console.error(`${path.relative(root, distEntry)} is missing: run without --no-build.`);
  process.exit(1);
}
const require = createRequire(import.meta.url);
const rules = require(distEntry);
const { SR_TYPES, ROUTING_RULES, SR_RULE_REASONS, SR_RULE_REASON_KINDS, checkRuleTable, stateLabel } = rules;

const problems = checkRuleTable();
if (problems.length) {
  console.error(`The SR rule table is inconsistent:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Rendering

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const ids = (list) => (list && list.length ? list.join(', ') : '—');
const code = (s) => `\`${s}\``;
const row = (cells) => `| ${cells.map(cell).join(' | ')} |`;
function table(head, rows) {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
}

const withId = (text, g) => (g.requirementId ? `${text} [${g.requirementId}]` : text);
function guardText(g) {
  switch (g.kind) {
    case 'role':
      return `role: ${g.anyOf.join(' or ')}`;
    case 'approver-not-submitter':
      return withId('approver ≠ submitter', g);
    case 'case-linked':
      return withId('case linked', g);
    case 'subject-recorded':
      return withId('subject recorded', g);
    case 'stage-in':
      return withId(`stage is ${g.stages.join(' or ')}`, g);
    case 'stage-not-in':
      return withId(`stage is not ${g.stages.join(' or ')}`, g);
    case 'wait-expired':
      return withId('wait expired', g);
    case 'step-outcome':
      return withId(
        g.oneOf ? `step ${code(g.step)} = ${g.oneOf.join(' or ')}` : `step ${code(g.step)} has an outcome`,
        g,
      );
    case 'step-outcome-absent':
      return withId(`step ${code(g.step)} has no outcome`, g);
    case 'validations-complete':
      return withId(`validations before ${code(g.beforeStep)} complete`, g);
    case 'resolution-code':
      return withId(`resolution: ${g.oneOf.join(' or ')}`, g);
    case 'next-action-due':
      return withId(
        g.days !== undefined
          ? `Wait ${g.days} days (set by the rules; no other day)`
          : 'next action due in the future',
        g,
      );
    case 'transfer-items-entered':
      return withId('items entered', g);
    case 'declaration-signed':
      return withId('declaration recorded as signed', g);
    case 'consent-accepted':
      return withId('consent recorded as accepted', g);
    case 'note-recorded':
      return withId('Notes record the consent (see the step)', g);
    case 'reason':
      return withId('reason', g);
    case 'sensitive-access':
      return withId('sensitive access on a sensitive case', g);
    case 'not-read-only':
      return withId('not read-only', g);
    default:
      return g.kind;
  }
}

function effectText(e) {
  switch (e.kind) {
    case 'issue-letter':
      return `issue ${e.letter} to ${e.recipient}${e.attachment ? ' (attachment from SR data)' : ''}`;
    case 'record-activity-outcome':
      return `step ${code(e.step)} := ${e.outcome}`;
    case 'set-path':
      return `path := ${e.path}`;
    case 'confirm-security-update':
      return 'confirm by SMS, or CMSL9802 where SMS is not appropriate, after a returned CMSL9800 (SD-16)';
    default:
      return e.kind;
  }
}

const COMMON = new Set(['sensitive-access', 'not-read-only']);
const fromText = (t) =>
  t.from.map((m) => (m.subStatus === '*' ? `${m.status} / *` : stateLabel(m))).join(', ');

function mermaid(def) {
  const idOf = new Map(def.states.map((s, i) => [stateLabel(s), `s${i}`]));
  const lines = ['```mermaid', 'stateDiagram-v2'];
  for (const s of def.states) lines.push(`  state "${stateLabel(s)}" as ${idOf.get(stateLabel(s))}`);
  const initials = [...new Set(def.paths.map((p) => stateLabel(p.initial)))];
  for (const i of initials) lines.push(`  [*] --> ${idOf.get(i)}`);
  for (const t of def.transitions) {
    const label = t.paths && t.paths.length < def.paths.length ? `${t.name} (${t.paths.join(', ')})` : t.name;
    for (const m of t.from) {
      for (const s of def.states.filter(
        (x) => x.status === m.status && (m.subStatus === '*' || x.subStatus === m.subStatus),
      )) {
        lines.push(`  ${idOf.get(stateLabel(s))} --> ${idOf.get(stateLabel(t.to))} : ${label}`);
      }
    }
  }
  for (const s of def.states.filter((x) => x.final)) lines.push(`  ${idOf.get(stateLabel(s))} --> [*]`);
  lines.push('```');
  return lines.join('\n');
}

function planTable(steps) {
  return table(
    ['step', 'title', 'outcomes', 'notes', 'requirements', 'procedure step'],
    steps.map((s) => [
      code(s.key),
      s.title,
      s.allowedOutcomes.join(', '),
      [
        s.optional ? 'optional' : 'required',
        s.systemOnly ? 'recorded by the system' : '',
        s.acceptStep ? 'accept step (SU-4)' : '',
        s.reasonRequiredFor?.length ? `reason needed for ${s.reasonRequiredFor.join(', ')}` : '',
        ...Object.entries(s.noteOnOutcome ?? {}).map(([o, note]) => `${o} writes to the Notes: “${note}”`),
      ]
        .filter(Boolean)
        .join('; '),
      ids(s.requirementIds),
      s.procedureStep ?? '—',
    ]),
  );
}

function followUpText(a) {
  switch (a.kind) {
    case 'transition':
      return [`transition ${code(a.transition)}`, a.resolutionCode ? `resolution ${a.resolutionCode}` : '']
        .filter(Boolean)
        .join(', ');
    case 'add-activity-step':
      return `add step ${code(a.step)}`;
    case 'flag-for-caseworker':
      return `flag (also in the Notes, kept by the follow-up's move): “${a.message}”`;
    default:
      return a.kind;
  }
}

function renderType(def) {
  const out = [];
  out.push(`## ${def.code}: ${def.title}`);
  out.push('');
  out.push(`Procedure: \`${def.procedure}\`.`);
  out.push('');
  out.push(
    table(['Process', 'Area', 'Sub Area'], [[def.taxonomy.process, def.taxonomy.area, def.taxonomy.subArea]]),
  );
  out.push('');
  out.push('### Paths');
  out.push('');
  out.push(
    table(
      ['path', 'title', 'assumed for sources', 'initial state', 'wait days', 'requirements'],
      def.paths.map((p) => [
        code(p.key),
        p.title,
        p.sources ? p.sources.join(', ') : '—',
        stateLabel(p.initial),
        p.waitDays === null ? '—' : `${p.waitDays}${p.waitRequirementId ? ` (${p.waitRequirementId})` : ''}`,
        ids(p.requirementIds),
      ]),
    ),
  );
  out.push('');
  out.push('### States');
  out.push('');
  out.push(
    table(
      ['Status / Sub Status', 'meaning', 'flags'],
      def.states.map((s) => [
        stateLabel(s),
        s.description,
        [s.readOnly ? 'read-only' : '', s.final ? 'final' : ''].filter(Boolean).join(', '),
      ]),
    ),
  );
  out.push('');
  out.push(mermaid(def));
  out.push('');
  out.push('### Transitions');
  out.push('');
  out.push(
    table(
      ['transition', 'from', 'to', 'paths', 'guards', 'effects', 'requirements', 'procedure step'],
      def.transitions.map((t) => [
        `${code(t.name)}${t.guards.some((g) => g.kind === 'not-read-only') ? '' : ' ‡'}`,
        fromText(t),
        stateLabel(t.to),
        t.paths ? t.paths.join(', ') : 'all',
        t.guards
          .filter((g) => !COMMON.has(g.kind))
          .map(guardText)
          .join('; '),
        t.effects.length ? t.effects.map(effectText).join('; ') : '—',
        ids(t.requirementIds),
        t.procedureStep ?? '—',
      ]),
    ),
  );
  out.push('');
  out.push('### Activity plan');
  out.push('');
  for (const p of def.paths) {
    if (def.paths.length > 1) {
      out.push(`Path ${code(p.key)}:`);
      out.push('');
    }
    out.push(planTable(def.activityPlan(p.key)));
    out.push('');
    const extra = def.followUpSteps(p.key);
    if (extra.length) {
      out.push(`Added on Wait expiry (${code(p.key)}):`);
      out.push('');
      out.push(planTable(extra));
      out.push('');
    }
  }
  out.push('### Service level');
  out.push('');
  out.push(
    `Default ${def.sla.defaultDays} day(s) from creation${def.sla.selfServiceHours ? `; Self Service SRs within ${def.sla.selfServiceHours} hours while Open` : ''}; in Wait, the next action due date. ${def.sla.note}`,
  );
  out.push('');
  if (def.cisUpdateOnAccept) {
    out.push(
      '"Update CIS" is enabled only at Sub Status CoC Accept with the validations complete (SU-4: `isCisUpdateEnabled`).',
    );
    out.push('');
  }
  out.push('### On Wait expiry');
  out.push('');
  if (!def.followUps.length) {
    out.push('This type never waits.');
  } else {
    out.push(
      table(
        ['paths', 'when', 'actions', 'requirements'],
        def.followUps.map((r) => [
          r.paths ? r.paths.join(', ') : 'all',
          r.when?.stepPresent
            ? `step ${code(r.when.stepPresent)} has an outcome`
            : r.when?.stepAbsent
              ? `step ${code(r.when.stepAbsent)} has no outcome`
              : 'always',
          r.actions.map(followUpText).join('; '),
          ids(r.requirementIds),
        ]),
      ),
    );
  }
  out.push('');
  if (def.decisions?.length) {
    out.push('### Decisions');
    out.push('');
    out.push('Where the procedure leaves a choice, or the system acts where it names a caseworker:');
    out.push('');
    for (const d of def.decisions) out.push(`- **${d.requirementIds.join(', ')}.** ${d.text}`);
    out.push('');
  }
  return out.join('\n');
}

/** How the Waits are decided: the decision issue #13 asked for, in words. */
function waitsSection() {
  return [
    '## Waits',
    '',
    'The procedures set four Waits, each a fixed number of days: Change - Security Details step 7 (SD-9, “input a next action due date seven days in the future”) and step 8 (SD-10, “set the SR Status to Wait for a further seven days”); Transfer Data Between Clients step 4 (TD-3, “apply a wait of 14 days”) and, where the receiving parent has notified domestic violence, step 1 (TD-11, “call in with the details within the next 14 days”; step 3 acts when they fail to “respond within 14 days”).',
    '',
    'The rule table holds each period on its transition (the guard “Wait N days” in each type’s transitions above): the caller need not give a next action due date, and the rules set it N days from now. A date the caller gives must fall on that day (a UK calendar day, as the procedures speak of a due date): an earlier day is refused with `NEXT_ACTION_DUE_TOO_SOON`, a later one with `NEXT_ACTION_DUE_TOO_LATE` (both 400, naming the rule).',
    '',
    '**Decision: no longer Wait, with or without a reason.** None of these procedures lets the caseworker extend a Wait: each states its period as a fixed number of days, and what happens when it runs out (CMSL9801 then rejection, SD-10/SD-12; a call to the client, TD-4; calls to both parents, TD-13) is itself the procedure’s answer to a client who needs longer. A later date is therefore refused like an earlier one; the reason field is not a way round it.',
    '',
    'The other Waits (the sensitive case team’s call back, RD-4; the evidence for a personal details change) have no period in the procedures: the caller gives a future date (local policy).',
    '',
    'When a Wait expires the follow-up in the type’s “On Wait expiry” table runs as the system: a flag it raises is written to the SR Notes and kept by the follow-up’s own move (the SR comes back In Progress still flagged), and steps it adds stay on the plan; the caseworker’s next move answers the flag and clears it.',
    '',
  ].join('\n');
}

function render() {
  const out = [];
  out.push('# SR status rules');
  out.push('');
  out.push(
    '<!-- Generated by scripts/sr-rules-docs.mjs from libs/sr-rules. Do not edit: run `npm run sr-rules:docs`. -->',
  );
  out.push('');
  out.push(
    'Every service request (SR) moves only as this table allows; `decideTransition` in `@cms/sr-rules` is the one place a move is decided. Requirement IDs refer to `REQUIREMENTS.md`.',
  );
  out.push('');
  out.push(
    'Every transition also needs sensitive access when the case is nationally sensitive (X-1; our own services have it) and, except those marked ‡, an SR that is not read-only (TD-8). Guards are checked in this order: access, read-only, role, approver, case and stage, wait, activity steps, what the SR holds (items, declaration, consent, Notes), then the request fields (resolution code, next action due date, reason).',
  );
  out.push('');
  out.push('## Contents');
  out.push('');
  for (const def of Object.values(SR_TYPES)) {
    out.push(
      `- [${def.code}: ${def.title}](#${`${def.code}: ${def.title}`
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, '')
        .replace(/ /g, '-')})`,
    );
  }
  out.push('- [Waits](#waits)');
  out.push('- [Routing](#routing)');
  out.push('- [Refusal reasons](#refusal-reasons)');
  out.push('');
  for (const def of Object.values(SR_TYPES)) out.push(renderType(def));
  out.push(waitsSection());
  out.push('## Routing');
  out.push('');
  out.push('The first rule that applies decides the queue (`routeToQueue`).');
  out.push('');
  out.push(
    table(
      ['#', 'queue', 'when', 'requirements'],
      ROUTING_RULES.map((r, i) => [i + 1, code(r.queue), r.description, ids(r.requirementIds)]),
    ),
  );
  out.push('');
  out.push('## Refusal reasons');
  out.push('');
  out.push('`SrRuleError` (a `DomainError`) carries the reason as `code`; its kind decides the HTTP status.');
  out.push('');
  out.push(
    table(
      ['reason', 'kind'],
      SR_RULE_REASONS.map((r) => [code(r), SR_RULE_REASON_KINDS[r]]),
    ),
  );
  out.push('');
  return out.join('\n');
}

const text = render();
if (check) {
  const current = existsSync(target) ? readFileSync(target, 'utf8') : null;
  if (current !== text) {
    console.error(
      `${path.relative(root, target)} is stale: it does not match the SR rule table. Run \`npm run sr-rules:docs\` and commit the result.`,
    );
    process.exit(1);
  }
  console.log(`${path.relative(root, target)} is up to date.`);
} else {
  writeFileSync(target, text);
  console.log(`Wrote ${path.relative(root, target)}.`);
}
