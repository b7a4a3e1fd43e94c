import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DomainValidationError,
  normaliseNino,
  normalisePersonalDetails,
  parsePersonReference,
  type Actor,
  type Clock,
  type InterestType,
  type PersonalDetails,
  type PersonalDetailsInput,
  type PersonReference,
} from '@cms/domain';
import { CLOCK, recordAudit, type AuditEntry } from '@cms/platform';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { CisChangeRecord } from '../changes/cis-change.entity';
import { toChangeView } from '../changes/change.view';
import { broadcastDueAt } from '../broadcasts/broadcast-schedule';
import { InterestRegistration } from '../interests/interest.entity';
import { toInterestView } from '../interests/interest.view';
import type {
  CreatePersonDto,
  ListPersonsQuery,
  PersonFlagsDto,
  PersonReferenceDto,
  SeedDto,
  SupersedeDto,
} from './person.dto';
import { Person } from './person.entity';
import { generatePerson, seededRandom } from './person-generator';
import {
  CisReferenceDeletedError,
  CisReferenceNotFoundError,
  CisReferenceSupersededError,
  PersonExistsError,
} from './persons.errors';
import {
  personalDataOf,
  type PersonAdminView,
  type PersonDetailView,
  type PersonPageView,
  type SeedResultView,
} from './person.view';

/** Parses a request's NINO/CRN. @throws DomainValidationError (field `reference`, rule `nino-format` / `crn-format`) */
export function referenceOf(dto: PersonReferenceDto): PersonReference {
  return parsePersonReference(dto.referenceKind, dto.reference, 'reference');
}

/** What the audit keeps of a person: their data and states. */
export function auditShape(p: Person): Record<string, unknown> {
  return {
    ...personalDataOf(p),
    nationallySensitive: p.nationallySensitive,
    deleted: p.deleted,
    supersededByNino: p.supersededByNino,
  };
}

/** Finds a person by NINO/CRN, optionally locking the row for the rest of the transaction. */
export function findPerson(m: EntityManager, ref: PersonReference, lock = false): Promise<Person | null> {
  return m.findOne(Person, {
    where: { referenceKind: ref.kind, reference: ref.value },
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
}

/**
 * The person CIS holds live for `ref` (locked when `lock`).
 * @throws CisReferenceNotFoundError (404), CisReferenceDeletedError, CisReferenceSupersededError (422)
 */
export async function requireLivePerson(
  m: EntityManager,
  ref: PersonReference,
  lock = false,
): Promise<Person> {
  const person = await findPerson(m, ref, lock);
  if (!person) throw new CisReferenceNotFoundError(ref.kind);
  if (person.deleted) throw new CisReferenceDeletedError(ref.kind);
  if (person.supersededByNino) throw new CisReferenceSupersededError(ref.kind, person.supersededByNino);
  return person;
}

/** Registered (not deregistered) interests of each person. */
export async function activeInterestsOf(
  m: EntityManager,
  personIds: string[],
): Promise<Map<string, InterestRegistration[]>> {
  const map = new Map<string, InterestRegistration[]>(personIds.map((id) => [id, []]));
  if (!personIds.length) return map;
  const rows = await m.find(InterestRegistration, {
    where: { personId: In(personIds), deregisteredAt: IsNull() },
    order: { registeredAt: 'ASC' },
  });
  for (const r of rows) map.get(r.personId)!.push(r);
  return map;
}

/**
 * The admin side of the simulator's person records: create one, seed many realistic ones, set the
 * nationally sensitive / deleted states, supersede a NINO, list and read them. Every change is
 * audited. Persons are CIS's records, not CMS's clients.
 */
@Injectable()
export class PersonsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Creates one person, with CMG interests if given (RI-1).
   * @throws DomainValidationError naming each bad field; PersonExistsError (409)
   */
  async create(dto: CreatePersonDto, actor: Actor): Promise<PersonAdminView> {
    const { referenceKind, reference, nationallySensitive, interestTypes, ...details } = dto;
    const ref = referenceOf({ referenceKind, reference });
    const now = this.clock.now();
    const normalised = normalisePersonalDetails(details as PersonalDetailsInput, now);
    return this.db.transaction(async (m) => {
      if (await findPerson(m, ref)) throw new PersonExistsError(ref.kind);
      const person = await this.insert(m, ref, normalised, nationallySensitive ?? false, now);
      await this.registerAll(m, person.id, interestTypes ?? [], actor, now);
      await recordAudit(m, {
        entityType: 'person',
        entityId: person.id,
        action: 'created',
        after: auditShape(person),
      });
      return this.adminView(m, person);
    });
  }

  /**
   * Sets or clears the nationally sensitive and deleted states, without recording a change (use
   * `POST /admin/changes` with NATIONALLY_SENSITIVE_STATUS to have it broadcast).
   * @throws CisReferenceNotFoundError (404)
   */
  async setFlags(dto: PersonFlagsDto): Promise<PersonAdminView> {
    const ref = referenceOf(dto);
    return this.db.transaction(async (m) => {
      const person = await findPerson(m, ref, true);
      if (!person) throw new CisReferenceNotFoundError(ref.kind);
      const before = auditShape(person);
      if (dto.nationallySensitive !== undefined) person.nationallySensitive = dto.nationallySensitive;
      if (dto.deleted !== undefined) person.deleted = dto.deleted;
      person.updatedAt = this.clock.now();
      await m.save(person);
      await recordAudit(m, {
        entityType: 'person',
        entityId: person.id,
        action: 'flags-set',
        before,
        after: auditShape(person),
      });
      return this.adminView(m, person);
    });
  }

  /**
   * Marks the record superseded by `newNino` (RD-5 "NINO superseded"). When CIS holds no record for
   * `newNino` yet, one is created with the same data; CMG's interests are not carried over (CMG
   * registers them on the new NINO).
   * @throws DomainValidationError (bad newNino, or the same reference), CisReference*Error
   */
  async supersede(dto: SupersedeDto): Promise<PersonAdminView> {
    const ref = referenceOf(dto);
    const newNino = normaliseNino(dto.newNino, 'newNino');
    if (ref.kind === 'NINO' && ref.value === newNino) {
      throw new DomainValidationError([
        { field: 'newNino', rule: 'different', message: 'The new NINO must differ from the old one.' },
      ]);
    }
    const now = this.clock.now();
    return this.db.transaction(async (m) => {
      const person = await requireLivePerson(m, ref, true);
      const before = auditShape(person);
      person.supersededByNino = newNino;
      person.updatedAt = now;
      await m.save(person);
      const audit: AuditEntry[] = [
        {
          entityType: 'person',
          entityId: person.id,
          action: 'superseded',
          before,
          after: auditShape(person),
        },
      ];
      if (!(await findPerson(m, { kind: 'NINO', value: newNino }))) {
        const successor = await this.insert(
          m,
          { kind: 'NINO', value: newNino },
          personalDataOf(person),
          person.nationallySensitive,
          now,
        );
        audit.push({
          entityType: 'person',
          entityId: successor.id,
          action: 'created',
          after: auditShape(successor),
        });
      }
      await recordAudit(m, ...audit);
      return this.adminView(m, person);
    });
  }

  /** One page of persons, ordered by NINO/CRN. */
  async list(q: ListPersonsQuery): Promise<PersonPageView> {
    const qb = this.db.manager
      .createQueryBuilder(Person, 'p')
      .orderBy('p.reference_kind')
      .addOrderBy('p.reference')
      .take(q.limit ?? 50)
      .skip(q.offset ?? 0);
    if (q.withInterest === 'true') {
      qb.where('EXISTS (SELECT 1 FROM interest i WHERE i.person_id = p.id AND i.deregistered_at IS NULL)');
    }
    const [persons, total] = await qb.getManyAndCount();
    const interests = await activeInterestsOf(
      this.db.manager,
      persons.map((p) => p.id),
    );
    return {
      items: persons.map((p) => this.toAdminView(p, interests.get(p.id) ?? [])),
      total,
    };
  }

  /** A person in any state, with every interest (also deregistered) and the latest 100 changes. @throws CisReferenceNotFoundError */
  async detail(dto: PersonReferenceDto): Promise<PersonDetailView> {
    const ref = referenceOf(dto);
    const m = this.db.manager;
    const person = await findPerson(m, ref);
    if (!person) throw new CisReferenceNotFoundError(ref.kind);
    const [interests, changes] = await Promise.all([
      m.find(InterestRegistration, { where: { personId: person.id }, order: { registeredAt: 'DESC' } }),
      m.find(CisChangeRecord, {
        where: { personId: person.id },
        order: { recordedAt: 'DESC', seq: 'DESC' },
        take: 100,
      }),
    ]);
    return {
      ...this.toAdminView(person, []),
      interests: interests.map((i) => toInterestView(i, person)),
      changes: changes.map((c) => toChangeView(c, person, broadcastDueAt(c.day))),
    };
  }

  /**
   * Creates `count` realistic persons from `seed` (see person-generator), with CMG interests on a
   * share of them. The same seed on the same data gives the same persons.
   */
  async seed(dto: SeedDto, actor: Actor): Promise<SeedResultView> {
    const now = this.clock.now();
    const r = seededRandom(dto.seed);
    return this.db.transaction(async (m) => {
      const taken = new Set(
        (await m.query<{ k: string }[]>(`SELECT reference_kind || ':' || reference AS k FROM person`)).map(
          (x) => x.k,
        ),
      );
      const generated = [];
      for (let i = 0; i < dto.count; i++) {
        const g = generatePerson(r, now, {
          interestShare: dto.interestShare ?? 0.6,
          childShare: dto.childShare ?? 0.15,
          isTaken: (kind, value) => taken.has(`${kind}:${value}`),
        });
        taken.add(`${g.referenceKind}:${g.reference}`);
        generated.push(g);
      }
      const audit: AuditEntry[] = [];
      for (let i = 0; i < generated.length; i += 500) {
        const chunk = generated.slice(i, i + 500);
        const persons = chunk.map((g) =>
          m.create(Person, {
            referenceKind: g.referenceKind,
            reference: g.reference,
            ...g.details,
            nationallySensitive: g.nationallySensitive,
            deleted: false,
            supersededByNino: null,
            version: 1,
            createdAt: now,
            updatedAt: now,
          }),
        );
        await m.insert(Person, persons);
        const interests = chunk.flatMap((g, j) =>
          g.interestTypes.map((interestType) => ({
            personId: persons[j].id,
            interestType,
            registeredAt: now,
            registeredBy: actor.id,
          })),
        );
        if (interests.length) await m.insert(InterestRegistration, interests);
        audit.push(
          ...persons.map((p) => ({
            entityType: 'person',
            entityId: p.id,
            action: 'seeded',
            after: auditShape(p),
          })),
        );
      }
      await recordAudit(m, ...audit);
      return {
        created: generated.length,
        persons: generated.map((g) => ({
          referenceKind: g.referenceKind,
          reference: g.reference,
          interestTypes: g.interestTypes,
        })),
      };
    });
  }

  /** The admin view of a person with their registered interests. */
  async adminView(m: EntityManager, person: Person): Promise<PersonAdminView> {
    const interests = await activeInterestsOf(m, [person.id]);
    return this.toAdminView(person, interests.get(person.id) ?? []);
  }

  private toAdminView(p: Person, interests: InterestRegistration[]): PersonAdminView {
    return {
      id: p.id,
      ...personalDataOf(p),
      nationallySensitive: p.nationallySensitive,
      deleted: p.deleted,
      supersededByNino: p.supersededByNino,
      interests: interests.map((i) => toInterestView(i, p)),
      version: p.version,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }

  private insert(
    m: EntityManager,
    ref: PersonReference,
    details: PersonalDetails,
    nationallySensitive: boolean,
    now: Date,
  ): Promise<Person> {
    return m.save(
      m.create(Person, {
        ...details,
        referenceKind: ref.kind,
        reference: ref.value,
        nationallySensitive,
        deleted: false,
        supersededByNino: null,
        createdAt: now,
        updatedAt: now,
      }),
    );
  }

  private async registerAll(
    m: EntityManager,
    personId: string,
    types: InterestType[],
    actor: Actor,
    now: Date,
  ): Promise<void> {
    if (!types.length) return;
    await m.insert(
      InterestRegistration,
      types.map((interestType) => ({ personId, interestType, registeredAt: now, registeredBy: actor.id })),
    );
  }
}
