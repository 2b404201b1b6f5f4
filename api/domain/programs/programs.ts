// Programs: create, update, archive; who may see which program.
import { isReader } from "../users.ts";
import type { Caller } from "../../context.ts";
import { isUniqueViolation, type Db } from "../../db.ts";
import type { Program, ProgramKind, Visibility } from "../../gen/sqlite/client.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../errors.ts";
import { recordAudit } from "../audit.ts";
import { criteriaToJson, referencedProgramSlugs, type Criteria } from "../criteria/index.ts";
import { checkTemplate } from "./invitations.ts";

export interface ProgramInput {
  name?: string;
  slug?: string;
  kind?: ProgramKind;
  visibility?: Visibility | null;
  description?: string | null;
  ownerId?: string | null;
  criteria?: Criteria | null;
  demotionGraceDays?: number | null;
  invitationTemplate?: string | null;
  invitationExpiryDays?: number | null;
}

/** Who may read a program at all: PUBLIC to everyone, MEMBERS to signed-in members, PRIVATE to admins and read keys. */
export function canSeeProgram(caller: Caller, program: Pick<Program, "visibility">) {
  if (isReader(caller)) return true;
  if (program.visibility === "PUBLIC") return true;
  return program.visibility === "MEMBERS" && caller.kind === "member";
}

export function visibleProgramsFilter(caller: Caller) {
  if (isReader(caller)) return {};
  return { visibility: { in: caller.kind === "member" ? (["PUBLIC", "MEMBERS"] as Visibility[]) : (["PUBLIC"] as Visibility[]) }, archivedAt: null };
}

/** Programs named in criteria must exist (a typo would silently match nobody). */
export async function checkCriteriaReferences(db: Db, criteria: Criteria | null | undefined, field: string, selfSlug?: string) {
  const slugs = referencedProgramSlugs(criteria ?? null).filter((s) => s !== selfSlug);
  if (slugs.length === 0) return;
  const found = await db.program.findMany({ where: { slug: { in: slugs } }, select: { slug: true } });
  const missing = slugs.filter((s) => !found.some((f) => f.slug === s));
  if (missing.length) throw new ValidationError(`unknown program slug ${missing.map((m) => JSON.stringify(m)).join(", ")}`, field);
}

async function ownerIdOf(db: Db, externalId: string | null | undefined) {
  if (externalId === undefined) return undefined;
  if (externalId === null) return null;
  const owner = await db.user.findUnique({ where: { externalId }, select: { id: true } });
  if (!owner) throw new NotFoundError("User", externalId);
  return owner.id;
}

/** A unique index refusing a concurrent duplicate (P2002) is the same conflict the pre-check reports. */
export async function conflictOnDuplicate<T>(write: () => Promise<T>, message: string, field: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(message, field);
    throw error;
  }
}

export async function createProgram(db: Db, caller: Caller, requestId: string, input: ProgramInput & { name: string; slug: string; kind: ProgramKind }) {
  await checkCriteriaReferences(db, input.criteria, "input.criteria", input.slug);
  if (input.invitationTemplate) checkTemplate(input.invitationTemplate, "input.invitationTemplate");
  if (await db.program.findUnique({ where: { slug: input.slug }, select: { id: true } })) {
    throw new ConflictError(`slug ${JSON.stringify(input.slug)} is taken`, "input.slug");
  }
  const ownerId = await ownerIdOf(db, input.ownerId);
  return conflictOnDuplicate(() => db.$transaction(async (tx) => {
    const program = await tx.program.create({
      data: {
        name: input.name,
        slug: input.slug,
        kind: input.kind,
        visibility: input.visibility ?? undefined,
        description: input.description ?? null,
        ownerId: ownerId ?? null,
        criteria: input.criteria ? (criteriaToJson(input.criteria) as object) : undefined,
        demotionGraceDays: input.demotionGraceDays ?? undefined,
        invitationTemplate: input.invitationTemplate ?? null,
        invitationExpiryDays: input.invitationExpiryDays ?? undefined,
      },
    });
    await recordAudit(tx, caller, requestId, { action: "program.create", targetType: "Program", targetId: program.id, after: program });
    return program;
  }), `slug ${JSON.stringify(input.slug)} is taken`, "input.slug");
}

export async function updateProgram(db: Db, caller: Caller, requestId: string, id: string, input: ProgramInput) {
  const before = await db.program.findUnique({ where: { id } });
  if (!before) throw new NotFoundError("Program", id);
  await checkCriteriaReferences(db, input.criteria, "input.criteria", input.slug ?? before.slug);
  if (input.invitationTemplate) checkTemplate(input.invitationTemplate, "input.invitationTemplate");
  if (input.slug && input.slug !== before.slug && (await db.program.findUnique({ where: { slug: input.slug }, select: { id: true } }))) {
    throw new ConflictError(`slug ${JSON.stringify(input.slug)} is taken`, "input.slug");
  }
  const ownerId = await ownerIdOf(db, input.ownerId);
  return db.$transaction(async (tx) => {
    const program = await tx.program.update({
      where: { id },
      data: {
        name: input.name ?? undefined,
        slug: input.slug ?? undefined,
        kind: input.kind ?? undefined,
        visibility: input.visibility ?? undefined,
        description: input.description,
        ownerId,
        // Prisma needs DbNull to clear a Json column; undefined leaves it.
        criteria: input.criteria === undefined ? undefined : input.criteria === null ? (DB_NULL as never) : (criteriaToJson(input.criteria) as object),
        demotionGraceDays: input.demotionGraceDays ?? undefined,
        invitationTemplate: input.invitationTemplate,
        invitationExpiryDays: input.invitationExpiryDays ?? undefined,
      },
    });
    await recordAudit(tx, caller, requestId, { action: "program.update", targetType: "Program", targetId: id, before, after: program });
    return program;
  });
}

import { Prisma } from "../../db.ts";
const DB_NULL = Prisma.DbNull;

export async function archiveProgram(db: Db, caller: Caller, requestId: string, id: string) {
  const before = await db.program.findUnique({ where: { id } });
  if (!before) throw new NotFoundError("Program", id);
  if (before.archivedAt) return before;
  return db.$transaction(async (tx) => {
    const program = await tx.program.update({ where: { id }, data: { archivedAt: new Date() } });
    await recordAudit(tx, caller, requestId, { action: "program.archive", targetType: "Program", targetId: id, before, after: program });
    return program;
  });
}
