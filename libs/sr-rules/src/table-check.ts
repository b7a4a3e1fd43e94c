import { isFinalSrStatus } from '@cms/domain';
import { stepTemplate } from './activity-plan';
import type { SrState, SrTypeDefinition, TransitionDef } from './model';
import { matchesState, sameState, stateDefOf, stateLabel, transitionsFrom } from './table';
import { SR_TYPES } from './types';

/** Every step of `path`: the generated plan and the ones follow-ups add. */
function stepTemplates(def: SrTypeDefinition, path: string) {
  return [...def.activityPlan(path), ...def.followUpSteps(path)];
}

function codesOf(t: TransitionDef): readonly string[] | null {
  const g = t.guards.find((x) => x.kind === 'resolution-code');
  return g && g.kind === 'resolution-code' ? g.oneOf : null;
}

/** Problems with one definition (see {@link checkRuleTable}). */
export function checkDefinition(def: SrTypeDefinition): string[] {
  const problems: string[] = [];
  const at = (msg: string) => problems.push(`${def.code}: ${msg}`);
  const pathKeys = def.paths.map((p) => p.key);
  for (const p of def.paths) {
    if (!stateDefOf(def, p.initial)) at(`path ${p.key} starts in unknown state ${stateLabel(p.initial)}`);
  }
  for (const t of def.transitions) {
    const paths = t.paths ?? pathKeys;
    for (const p of paths) if (!pathKeys.includes(p)) at(`${t.name} names unknown path ${p}`);
    if (!stateDefOf(def, t.to)) at(`${t.name} goes to unknown state ${stateLabel(t.to)}`);
    for (const m of t.from) {
      if (!def.states.some((s) => matchesState(m, s)))
        at(`${t.name} leaves unknown state ${m.status}/${m.subStatus}`);
      if (isFinalSrStatus(m.status)) at(`${t.name} leaves final state ${m.status}`);
    }
    const kinds = t.guards.map((g) => g.kind);
    if (t.to.status === 'Wait' && !kinds.includes('next-action-due'))
      at(`${t.name} goes to Wait without next-action-due`);
    // A Wait the procedure sets (SD-9, SD-10, TD-3, TD-11) takes the path's period, and no other.
    const due = t.guards.find((g) => g.kind === 'next-action-due');
    for (const path of paths) {
      const waitDays = def.paths.find((p) => p.key === path)?.waitDays ?? null;
      const days = due && due.kind === 'next-action-due' ? (due.days ?? null) : null;
      if (t.to.status === 'Wait' && days !== waitDays)
        at(`${t.name} (${path}) waits ${days ?? 'a date given'} where the path sets ${waitDays ?? 'none'}`);
    }
    if (isFinalSrStatus(t.to.status) && !kinds.includes('resolution-code'))
      at(`${t.name} ends without a resolution code`);
    if (!kinds.includes('role')) at(`${t.name} has no role guard`);
    if (!kinds.includes('sensitive-access')) at(`${t.name} has no sensitive-access guard`);
    for (const path of paths) {
      let effectivePath = path;
      for (const g of t.guards) {
        const step =
          g.kind === 'step-outcome' || g.kind === 'step-outcome-absent'
            ? g.step
            : g.kind === 'validations-complete'
              ? g.beforeStep
              : null;
        if (step && !stepTemplate(def, path, step)) at(`${t.name} (${path}) guards unknown step ${step}`);
        if (
          g.kind === 'note-recorded' &&
          !stepTemplates(def, path).some((st) => Object.values(st.noteOnOutcome ?? {}).includes(g.text))
        )
          at(`${t.name} (${path}) needs a note no outcome of the path writes`);
        if (g.kind === 'step-outcome' && step && g.oneOf) {
          const tmpl = stepTemplate(def, path, step);
          for (const o of g.oneOf)
            if (tmpl && !tmpl.allowedOutcomes.includes(o))
              at(`${t.name} (${path}) wants outcome "${o}" that ${step} never has`);
        }
      }
      for (const e of t.effects) {
        if (e.kind === 'set-path') {
          if (!pathKeys.includes(e.path)) at(`${t.name} sets unknown path ${e.path}`);
          effectivePath = e.path;
        }
        if (e.kind === 'record-activity-outcome') {
          const tmpl = stepTemplate(def, effectivePath, e.step);
          if (!tmpl) at(`${t.name} (${path}) records unknown step ${e.step}`);
          else if (!tmpl.allowedOutcomes.includes(e.outcome))
            at(`${t.name} records outcome "${e.outcome}" that ${e.step} never has`);
        }
      }
    }
  }
  for (const path of pathKeys) {
    for (const st of stepTemplates(def, path)) {
      for (const o of Object.keys(st.noteOnOutcome ?? {}))
        if (!st.allowedOutcomes.includes(o))
          at(`step ${st.key} writes a note on "${o}", not one of its outcomes`);
    }
  }
  // Several transitions between the same states on a path must be told apart by resolution code.
  for (const path of pathKeys) {
    for (const s of def.states) {
      const out = transitionsFrom(def, path, s);
      const names = out.map((t) => t.name);
      if (new Set(names).size !== names.length)
        at(`duplicate transition names from ${stateLabel(s)} on ${path}`);
      for (const t of out) {
        const same = out.filter((x) => sameState(x.to, t.to));
        if (same.length < 2) continue;
        const codes = same.map(codesOf);
        const flat = codes.flatMap((c) => c ?? []);
        if (codes.some((c) => c === null) || new Set(flat).size !== flat.length) {
          at(
            `ambiguous transitions ${same.map((x) => x.name).join('/')} from ${stateLabel(s)} to ${stateLabel(t.to)} on ${path}`,
          );
        }
      }
    }
  }
  // Every state is reachable on some path.
  const reached: SrState[] = [];
  for (const p of def.paths) {
    const queue: { state: SrState; path: string }[] = [{ state: p.initial, path: p.key }];
    const seen = new Set<string>();
    while (queue.length) {
      const { state, path } = queue.shift()!;
      const key = `${path}|${stateLabel(state)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!reached.some((r) => sameState(r, state))) reached.push(state);
      for (const t of transitionsFrom(def, path, state)) {
        const setPath = t.effects.find((e) => e.kind === 'set-path');
        queue.push({ state: t.to, path: setPath && setPath.kind === 'set-path' ? setPath.path : path });
      }
    }
  }
  for (const s of def.states)
    if (!reached.some((r) => sameState(r, s))) at(`state ${stateLabel(s)} is unreachable`);
  // Follow-ups name real transitions and steps.
  for (const rule of def.followUps) {
    for (const path of rule.paths ?? pathKeys) {
      for (const a of rule.actions) {
        if (
          a.kind === 'transition' &&
          !def.transitions.some((t) => t.name === a.transition && (!t.paths || t.paths.includes(path)))
        ) {
          at(`follow-up names unknown transition ${a.transition} on ${path}`);
        }
        if (a.kind === 'add-activity-step' && !stepTemplate(def, path, a.step))
          at(`follow-up adds unknown step ${a.step} on ${path}`);
      }
    }
  }
  return problems;
}

/**
 * Consistency problems in the whole rule table, as sentences; [] when sound. Checks that states,
 * paths, steps and outcomes named by transitions and follow-ups exist, that every Wait needs a next
 * action due date (the path's period where the procedure sets one), that a note a transition needs is
 * one some outcome writes, and every closure a resolution code, that moves between the same two states are
 * told apart by resolution code, and that every state is reachable. Run by the tests and the docs script.
 */
export function checkRuleTable(): string[] {
  return Object.values(SR_TYPES).flatMap(checkDefinition);
}
