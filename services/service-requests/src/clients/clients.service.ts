import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Actor,
  Clock,
  DomainError,
  DomainValidationError,
  FieldProblem,
  NotFoundError,
  PersonalDetails,
  PersonalDetailsInput,
  ReferenceStatus,
  StaleVersionError,
  crnProblem,
  normaliseCrn,
  normaliseNino,
  ninoProblem,
  validatePersonalDetails,
  normalisePersonalDetails,
} from '@cms/domain';
import { CLOCK, JobQueue, preparedQuery, recordAudit } from '@cms/platform';
import { CIS_RETRIEVAL_JOBS, CisRetrievalJob } from '../cis/cis-retrieval.worker';
import { DataSource, EntityManager } from 'typeorm';
import { Case, CaseParticipant } from '../cases/case.entity';
import { Client } from './client.entity';
import type { ClientSearchDto, CreateClientDto, UpdateClientDto } from './client.dto';
import type { ClientView } from './client.view';

export type { ClientView };

const DETAIL_KEYS: (keyof PersonalDetails)[] = [
  'firstName',
  'lastName',
  'dateOfBirth',
  'dateOfBirthVerified',
  'dateOfDeath',
  'dateOfDeathVerified',
  'sex',
  'address',
  'addressStartDate',
  'homePhone',
  'businessPhone',
  'mobilePhone',
  'homeEmail',
];

/** Personal details of a client as held by CMS (audit snapshot; no secrets live here). */
export function detailsOf(c: Client): PersonalDetails {
  return Object.fromEntries(DETAIL_KEYS.map((k) => [k, c[k]])) as unknown as PersonalDetails;
}

/** A case a client is on, as their view lists it (with the case's flag, for the client's own). */
interface CaseLink {
  caseId: string;
  caseNumber: string;
  role: string;
  live: boolean;
  jurisdiction: string;
  stage: string;
  sensitive: boolean;
}

/**
 * The cases of client `clientRef` (an SQL expression) as a JSON array of {@link CaseLink}, ordered
 * by case number: one subquery, for a client read ({@link CLIENT_WITH_CASES_SQL}) and a view built
 * from a client in hand ({@link ClientsService.view}).
 */
const casesOf = (clientRef: string) => `COALESCE((
           SELECT json_agg(json_build_object('caseId', k.id, 'caseNumber', k.case_number, 'role', p.role,
                    'live', k.live, 'jurisdiction', k.jurisdiction, 'stage', k.stage,
                    'sensitive', k.nationally_sensitive) ORDER BY k.case_number)
             FROM case_participant p JOIN "case" k ON k.id = p.case_id
            WHERE p.client_id = ${clientRef}), '[]'::json)`;

/**
 * A client with their cases in one query (plain SQL, see {@link ClientsService.get}): the client's
 * columns named as the entity's properties, dates as `YYYY-MM-DD` as TypeORM gives them, and the
 * cases (ordered by case number) as JSON.
 */
const CLIENT_WITH_CASES_SQL = `
  SELECT c.id, c.reference_kind AS "referenceKind", c.reference, c.reference_status AS "referenceStatus",
         c.first_name AS "firstName", c.last_name AS "lastName",
         to_char(c.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", c.date_of_birth_verified AS "dateOfBirthVerified",
         to_char(c.date_of_death, 'YYYY-MM-DD') AS "dateOfDeath", c.date_of_death_verified AS "dateOfDeathVerified",
         c.sex, c.address, to_char(c.address_start_date, 'YYYY-MM-DD') AS "addressStartDate",
         c.home_phone AS "homePhone", c.business_phone AS "businessPhone", c.mobile_phone AS "mobilePhone",
         c.home_email AS "homeEmail", c.sensitive_check AS "sensitiveCheck",
         c.nationally_sensitive AS "nationallySensitive", c.version, c.created_at AS "createdAt",
         c.updated_at AS "updatedAt", ${casesOf('c.id')} AS cases
    FROM client c
   WHERE c.id = $1`;

/**
 * The view of a client and the cases they are on: nationally sensitive when their own flag,
 * Sensitive Check (RD-4) or any of their cases says so; the cases without their flags.
 */
function clientView(client: Client, links: readonly CaseLink[]): ClientView {
  return {
    id: client.id,
    nino: client.referenceKind === 'NINO' ? client.reference : null,
    crn: client.referenceKind === 'CRN' ? client.reference : null,
    referenceStatus: client.referenceStatus,
    ...detailsOf(client),
    sensitiveCheck: client.sensitiveCheck,
    nationallySensitive:
      client.nationallySensitive || client.sensitiveCheck || links.some((l) => l.sensitive),
    cases: links.map(({ sensitive: _sensitive, ...entry }) => entry),
    version: client.version,
    createdAt: client.createdAt,
    updatedAt: client.updatedAt,
  };
}

/** Clients and the personal details CMS holds (create, read, search, change), every change audited. */
@Injectable()
export class ClientsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly jobs: JobQueue,
  ) {}

  /**
   * Creates a client with a valid NINO or CRN (not both) and valid personal details.
   * @throws DomainValidationError naming each bad field; DomainError CLIENT_REFERENCE_EXISTS (409)
   */
  async create(dto: CreateClientDto, actor: Actor): Promise<ClientView> {
    const { nino, crn, ...details } = dto;
    const problems: FieldProblem[] = [];
    if (nino !== undefined && crn !== undefined) {
      problems.push({ field: 'crn', rule: 'one-reference', message: 'Give a NINO or a CRN, not both.' });
    }
    if (nino !== undefined) problems.push(...[ninoProblem(nino)].filter((p): p is FieldProblem => !!p));
    if (crn !== undefined) problems.push(...[crnProblem(crn)].filter((p): p is FieldProblem => !!p));
    problems.push(...validatePersonalDetails(details as PersonalDetailsInput, this.clock.now()));
    if (problems.length) throw new DomainValidationError(problems);
    const normalised = normalisePersonalDetails(details as PersonalDetailsInput, this.clock.now());
    const reference =
      nino !== undefined
        ? { kind: 'NINO' as const, value: normaliseNino(nino) }
        : crn !== undefined
          ? { kind: 'CRN' as const, value: normaliseCrn(crn) }
          : null;

    const id = await this.db.transaction(async (m) => {
      if (
        reference &&
        (await m.existsBy(Client, { referenceKind: reference.kind, reference: reference.value }))
      ) {
        throw new DomainError(
          'CLIENT_REFERENCE_EXISTS',
          'conflict',
          `A client with this ${reference.kind} already exists.`,
          {
            errors: [
              {
                field: reference.kind.toLowerCase(),
                rule: 'unique',
                message: `This ${reference.kind} is already held for another client.`,
              },
            ],
          },
        );
      }
      const saved = await m.save(
        m.create(Client, {
          ...normalised,
          referenceKind: reference?.kind ?? null,
          reference: reference?.value ?? null,
        }),
      );
      await recordAudit(m, {
        entityType: 'client',
        entityId: saved.id,
        action: 'created',
        after: this.auditShape(saved),
      });
      return saved.id;
    });
    return this.get(id, actor);
  }

  /** Reads a client. @throws NotFoundError; InsufficientAccessError when nationally sensitive. */
  async get(id: string, actor: Actor, manager?: EntityManager): Promise<ClientView> {
    // One prepared query for the client and its cases (issue 17: TypeORM's find and then a query
    // builder for the cases were two round trips and most of the read's CPU; a MOPF letter reads
    // the paying parent this way, BR-8).
    const [row] = await preparedQuery<Client & { cases: CaseLink[] }>(
      this.db,
      'client_one',
      CLIENT_WITH_CASES_SQL,
      [id],
      manager,
    );
    if (!row) throw new NotFoundError('Client', id);
    return clientView(row, row.cases);
  }

  /** Finds a client by NINO or CRN. @throws DomainValidationError, NotFoundError, InsufficientAccessError. */
  async search(dto: ClientSearchDto): Promise<ClientView> {
    if ((dto.nino === undefined) === (dto.crn === undefined)) {
      throw new DomainValidationError([
        { field: 'nino', rule: 'one-reference', message: 'Give exactly one of nino or crn.' },
      ]);
    }
    const reference =
      dto.nino !== undefined
        ? { kind: 'NINO' as const, value: normaliseNino(dto.nino) }
        : { kind: 'CRN' as const, value: normaliseCrn(dto.crn) };
    const client = await this.db.manager.findOneBy(Client, {
      referenceKind: reference.kind,
      reference: reference.value,
    });
    if (!client) throw new NotFoundError('Client with that ' + reference.kind, 'reference');
    const view = await this.view(client, this.db.manager);
    return view;
  }

  /**
   * Changes personal details under optimistic concurrency: a stale `version` changes nothing (409).
   * @throws DomainValidationError, StaleVersionError, NotFoundError, InsufficientAccessError
   */
  async update(id: string, dto: UpdateClientDto, actor: Actor, source = 'api'): Promise<ClientView> {
    const { version, ...given } = dto;
    const patch = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
    await this.db.transaction(async (m) => {
      const client = await m.findOne(Client, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!client) throw new NotFoundError('Client', id);
      if (client.version !== version) throw new StaleVersionError('Client', id, version, client.version);
      const merged = { ...detailsOf(client), ...patch } as PersonalDetailsInput;
      const next = normalisePersonalDetails(merged, this.clock.now());
      const before = this.auditShape(client);
      Object.assign(client, next);
      const saved = await m.save(client);
      await recordAudit(m, {
        entityType: 'client',
        entityId: id,
        action: 'personal-details-changed',
        before,
        after: this.auditShape(saved),
        source,
      });
    });
    return this.get(id, actor);
  }

  /**
   * Sets the NINO/CRN status (Unverified / Verified). RD-1: becoming Verified writes, in the same
   * transaction, the job that asks cis-interface to retrieve the client's data from CIS.
   */
  async setReferenceStatus(
    id: string,
    status: ReferenceStatus,
    version: number,
    actor: Actor,
  ): Promise<ClientView> {
    await this.db.transaction(async (m) => {
      const client = await m.findOne(Client, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!client) throw new NotFoundError('Client', id);
      if (client.version !== version) throw new StaleVersionError('Client', id, version, client.version);
      if (!client.reference) {
        throw new DomainError('NO_REFERENCE', 'precondition', 'The client has no NINO or CRN to verify.');
      }
      const before = { referenceStatus: client.referenceStatus };
      const nowVerified = status === 'Verified' && client.referenceStatus !== 'Verified';
      client.referenceStatus = status;
      await m.save(client);
      if (nowVerified) {
        // RD-1: retrieve from CIS; an applicant (receiving parent on an application) has its own trigger.
        const applicant = await m
          .createQueryBuilder(CaseParticipant, 'p')
          .innerJoin(Case, 'c', 'c.id = p.case_id')
          .where(`p.client_id = :id AND p.role = 'PWC' AND c.stage = 'application' AND c.live = true`, { id })
          .getExists();
        await this.jobs.sendInTransaction<CisRetrievalJob>(m, CIS_RETRIEVAL_JOBS, {
          clientId: id,
          trigger: applicant ? 'applicant-verified' : 'reference-verified',
        });
      }
      await recordAudit(m, {
        entityType: 'client',
        entityId: id,
        action: 'reference-status-changed',
        before,
        after: { referenceStatus: status },
      });
    });
    return this.get(id, actor);
  }

  /** Builds the API view of a client: its cases and derived sensitivity. */
  async view(client: Client, manager: EntityManager): Promise<ClientView> {
    const [{ cases }] = await manager.query<{ cases: CaseLink[] }[]>(
      `SELECT ${casesOf('$1::uuid')} AS cases`,
      [client.id],
    );
    return clientView(client, cases);
  }

  /** What the audit keeps of a client: every detail, the reference masked to its status. */
  private auditShape(c: Client): Record<string, unknown> {
    return {
      ...detailsOf(c),
      referenceKind: c.referenceKind,
      referenceStatus: c.referenceStatus,
      sensitiveCheck: c.sensitiveCheck,
    };
  }
}
